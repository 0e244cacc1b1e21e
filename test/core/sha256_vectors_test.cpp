// SHA-256 against NIST CAVP vectors, every accelerated transform against the
// portable reference, and real Bitcoin headers against their recorded hashes.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/block_header.h"
#include "core/crypto/sha256.h"
#include "core/crypto/sha256_backends.h"
#include "core/hex.h"
#include "test/common/test_util.h"

using namespace btr::core;

namespace {

struct NistCase {
  std::vector<uint8_t> msg;
  std::string md;
};

// "Len = <bits>", "Msg = <hex>", "MD = <hex>" triples; Len = 0 is the empty
// message (its "Msg = 00" is a placeholder).
std::vector<NistCase> parse_nist(const std::string& text) {
  std::vector<NistCase> cases;
  std::istringstream in(text);
  std::string line;
  size_t bits = 0;
  std::vector<uint8_t> msg;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.starts_with("Len = ")) {
      bits = std::stoul(line.substr(6));
    } else if (line.starts_with("Msg = ")) {
      auto m = from_hex(line.substr(6));
      REQUIRE(m.ok());
      msg = *m;
      msg.resize(bits / 8);
    } else if (line.starts_with("MD = ")) {
      cases.push_back({msg, line.substr(5)});
    }
  }
  return cases;
}

std::vector<uint8_t> random_bytes(std::mt19937_64& rng, size_t n) {
  std::vector<uint8_t> out(n);
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

}  // namespace

TEST_CASE("sha256 NIST CAVP short and long message vectors") {
  BTR_REQUIRE_VECTORS(dir);
  size_t checked = 0;
  for (const char* name : {"SHA256ShortMsg.rsp", "SHA256LongMsg.rsp"}) {
    const auto cases = parse_nist(btr::test::read_file(dir / "nist" / name));
    CHECK(cases.size() >= 64);
    for (const NistCase& c : cases) {
      INFO(name << " length " << c.msg.size());
      CHECK(to_hex(sha256(c.msg).bytes) == c.md);
      // Also fed byte by byte through the incremental interface.
      Sha256 h;
      for (uint8_t b : c.msg) h.write(std::span(&b, 1));
      CHECK(to_hex(h.finalize().bytes) == c.md);
      ++checked;
    }
  }
  CHECK(checked == 129);
  MESSAGE("checked " << checked << " NIST SHA-256 vectors with backend "
                     << std::string(sha256_backend_name()));
}

TEST_CASE("sha256 accelerated transforms match the portable reference") {
  size_t tested = 0;
  std::mt19937_64 rng(btr::test::seed());
  for (const Sha256Backend& backend : sha256_accelerated_backends()) {
    if (!backend.cpu_supported()) {
      MESSAGE("backend " << backend.name << " not supported by this CPU");
      continue;
    }
    INFO("backend " << backend.name);
    CHECK(sha256_transform_self_test(backend.fn));
    // Every length 0..1024 at an aligned and an unaligned start, whole and in
    // random pieces (so buffered and direct blocks both reach the transform).
    std::vector<uint8_t> storage(1024 + 64);
    for (size_t len = 0; len <= 1024; ++len) {
      for (size_t offset : {size_t{0}, size_t{1}, size_t{7}}) {
        const std::vector<uint8_t> data = random_bytes(rng, len);
        std::copy(data.begin(), data.end(), storage.begin() + static_cast<ptrdiff_t>(offset));
        const std::span<const uint8_t> in(storage.data() + offset, len);
        const Hash256 want = Sha256(sha256_transform_portable).write(in).finalize();
        Sha256 whole(backend.fn);
        CHECK(whole.write(in).finalize() == want);
        Sha256 pieces(backend.fn);
        for (size_t pos = 0; pos < len;) {
          const size_t take = std::min<size_t>(len - pos, rng() % 150);
          pieces.write(in.subspan(pos, take));
          pos += take;
        }
        CHECK(pieces.finalize() == want);
      }
    }
    // Direct multi-block calls from an unaligned address, any starting state.
    for (size_t nblocks = 1; nblocks <= 8; ++nblocks) {
      const std::vector<uint8_t> blocks = random_bytes(rng, 64 * nblocks + 3);
      std::array<uint32_t, 8> want{}, got{};
      for (uint32_t& w : want) w = static_cast<uint32_t>(rng());
      got = want;
      sha256_transform_portable(want.data(), blocks.data() + 3, nblocks);
      backend.fn(got.data(), blocks.data() + 3, nblocks);
      CHECK(got == want);
    }
    ++tested;
  }
  if (tested == 0) {
    MESSAGE("BTR-SKIP: no accelerated SHA-256 transform is built or supported on this CPU");
    return;
  }
  MESSAGE("checked " << tested << " accelerated SHA-256 backend(s); selected: "
                     << std::string(sha256_backend_name()));
}

TEST_CASE("sha256 selected backend is the fastest supported one that passed") {
  const std::string selected = sha256_backend_name();
  std::string expected = "portable";
  for (const Sha256Backend& b : sha256_accelerated_backends()) {
    if (b.cpu_supported() && sha256_transform_self_test(b.fn)) {
      expected = b.name;
      break;
    }
  }
  CHECK(selected == expected);
}

TEST_CASE("every Bitcoin header in headers.json hashes to its recorded hash") {
  BTR_REQUIRE_VECTORS(dir);
  const auto doc = nlohmann::json::parse(btr::test::read_file(dir / "bitcoin" / "headers.json"));
  size_t checked = 0;
  for (const auto& entry : doc) {
    const int height = entry.at("height").get<int>();
    INFO("height " << height);
    auto bytes = from_hex(entry.at("header_hex").get<std::string>());
    REQUIRE(bytes.ok());
    auto header = BlockHeader::parse(*bytes);
    REQUIRE(header.ok());
    CHECK(header->hash().to_display_hex() == entry.at("hash").get<std::string>());
    CHECK(to_hex(header->serialize()) == entry.at("header_hex").get<std::string>());
    ++checked;
  }
  CHECK(checked >= 8);
  MESSAGE("checked " << checked << " Bitcoin main-net headers");
}
