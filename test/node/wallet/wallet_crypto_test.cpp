// Seed encryption: sealing round trips, a wrong passphrase or key fails
// authentication, and the key manager's encrypt / lock / unlock / relock /
// passphrase change cycle keeps every key and survives a reopen.

#include <doctest/doctest.h>

#include "core/address.h"
#include "core/chain_params.h"
#include "node/wallet/key_manager.h"
#include "node/wallet/wallet_crypto.h"
#include "node/wallet/wallet_db.h"
#include "test/node/chain_fixture.h"

namespace wallet = btr::node::wallet;
using btr::test::TempDir;

TEST_CASE("wallet crypto: seal and open round trip, wrong key and damage fail") {
  const wallet::SecretBytes key = wallet::random_secret(32);
  const std::vector<uint8_t> plain = {1, 2, 3, 4, 5};
  const auto sealed = wallet::seal(plain, key);
  CHECK(sealed.size() == plain.size() + 24 + 16);
  auto opened = wallet::open_sealed(sealed, key);
  REQUIRE(opened.ok());
  CHECK(std::vector<uint8_t>(opened->bytes().begin(), opened->bytes().end()) == plain);
  CHECK(wallet::seal(plain, key) != sealed);  // a fresh nonce each time
  const wallet::SecretBytes other = wallet::random_secret(32);
  CHECK_FALSE(wallet::open_sealed(sealed, other).ok());
  auto damaged = sealed;
  damaged.back() ^= 1;
  CHECK_FALSE(wallet::open_sealed(damaged, key).ok());
  CHECK_FALSE(wallet::open_sealed(std::vector<uint8_t>(10), key).ok());
}

TEST_CASE("wallet crypto: the passphrase key depends on passphrase and salt") {
  const wallet::PassphraseKdf kdf = wallet::new_kdf();
  auto a = wallet::derive_passphrase_key("correct horse", kdf);
  auto b = wallet::derive_passphrase_key("correct horse", kdf);
  auto c = wallet::derive_passphrase_key("correct horsf", kdf);
  auto d = wallet::derive_passphrase_key("correct horse", wallet::new_kdf());
  REQUIRE((a.ok() && b.ok() && c.ok() && d.ok()));
  const auto bytes = [](const wallet::SecretBytes& s) {
    return std::vector<uint8_t>(s.bytes().begin(), s.bytes().end());
  };
  CHECK(a->size() == 32);
  CHECK(bytes(*a) == bytes(*b));
  CHECK(bytes(*a) != bytes(*c));
  CHECK(bytes(*a) != bytes(*d));
}

TEST_CASE("wallet keys: encrypt, lock, wrong passphrase, unlock, relock, change, reopen") {
  TempDir dir;
  int64_t now = 1000;
  auto clock = [&now] { return now; };
  const auto& params = btr::core::chain_params(btr::core::Network::kRegtest);
  std::vector<btr::core::Hash160> handed;
  std::vector<std::array<uint8_t, 32>> secrets;
  const auto imported = btr::core::decode_wif(
      "cPZLxCJEB6s7eY7A1epqB7h3CAT7FNaCjssokGyd4JMPSD3UKGJs", params.prefixes);
  REQUIRE(imported.ok());
  {
    auto db = wallet::WalletDb::open(dir.path() / "wallet.sqlite");
    REQUIRE(db.ok());
    auto km = wallet::KeyManager::open(**db, clock);
    REQUIRE(km.ok());
    auto& k = **km;
    CHECK_FALSE(k.encrypted());
    CHECK(k.pool_size(wallet::kExternalChain) == wallet::kLookahead);
    for (int i = 0; i < 3; ++i) {
      auto h = k.new_key(wallet::kExternalChain, "");
      REQUIRE(h.ok());
      handed.push_back(*h);
      secrets.push_back(k.private_key(*h)->bytes());
    }
    CHECK(k.pool_size(wallet::kExternalChain) == wallet::kLookahead);
    auto ih = k.import_key(imported->key, imported->compressed, "premine");
    REQUIRE(ih.ok());
    handed.push_back(*ih);
    secrets.push_back(imported->key.bytes());

    REQUIRE(k.encrypt("s3cret").ok());
    CHECK(k.encrypted());
    CHECK(k.locked());
    CHECK(k.encrypt("again").error() == "wallet-already-encrypted");
    CHECK(k.private_key(handed[0]).error() == "wallet-locked");
    // A new address needs no passphrase: it comes from the account public key.
    CHECK(k.new_key(wallet::kExternalChain, "").ok());
    CHECK(k.unlock("wrong", 60).error() == "wallet-passphrase-incorrect");
    CHECK(k.locked());
    REQUIRE(k.unlock("s3cret", 60).ok());
    CHECK(k.unlocked_until() == 1060);
    for (size_t i = 0; i < handed.size(); ++i)
      CHECK(k.private_key(handed[i])->bytes() == secrets[i]);
    now = 1059;
    k.relock_if_due();
    CHECK_FALSE(k.locked());
    now = 1060;
    k.relock_if_due();
    CHECK(k.locked());
    CHECK(k.change_passphrase("wrong", "new").error() == "wallet-passphrase-incorrect");
    REQUIRE(k.change_passphrase("s3cret", "n3w").ok());
  }
  // Reopened: encrypted, locked, the new passphrase works and every key is there.
  auto db = wallet::WalletDb::open(dir.path() / "wallet.sqlite");
  REQUIRE(db.ok());
  auto km = wallet::KeyManager::open(**db, clock);
  REQUIRE(km.ok());
  auto& k = **km;
  CHECK(k.locked());
  CHECK(k.unlock("s3cret", 60).error() == "wallet-passphrase-incorrect");
  REQUIRE(k.unlock("n3w", 60).ok());
  for (size_t i = 0; i < handed.size(); ++i) CHECK(k.private_key(handed[i])->bytes() == secrets[i]);
  // No plain seed is left in the file.
  CHECK_FALSE((*db)->get_meta("seed").has_value());
  k.lock();
  CHECK(k.locked());
}

TEST_CASE("wallet keys: HD keys are m/0'/chain/index of the stored seed") {
  TempDir dir;
  auto clock = [] { return int64_t{0}; };
  auto db = wallet::WalletDb::open(dir.path() / "wallet.sqlite");
  REQUIRE(db.ok());
  auto km = wallet::KeyManager::open(**db, clock);
  REQUIRE(km.ok());
  const auto seed = (*db)->get_meta("seed");
  REQUIRE(seed.has_value());
  auto master = wallet::ExtPrivKey::from_seed(*seed);
  REQUIRE(master.ok());
  for (int chain : {wallet::kExternalChain, wallet::kInternalChain}) {
    auto h = (*km)->new_key(chain, "");
    REQUIRE(h.ok());
    const std::array<uint32_t, 3> path = {wallet::kHardened, static_cast<uint32_t>(chain), 0};
    auto expect = master->derive_path(path);
    REQUIRE(expect.ok());
    CHECK((*km)->private_key(*h)->bytes() == expect->key().bytes());
    CHECK(expect->key().public_key(true).id() == *h);
  }
}
