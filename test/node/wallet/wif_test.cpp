// WIF with the network's prefix, and the regtest pre-mine key of chain.md:
// it decodes to the published secret, its address is the published one, and
// once imported the wallet dumps the same WIF back and recognises the
// genesis output as its own.

#include <doctest/doctest.h>

#include "core/address.h"
#include "core/chain_params.h"
#include "core/hex.h"
#include "node/wallet/key_manager.h"
#include "node/wallet/wallet_db.h"
#include "test/node/chain_fixture.h"

namespace wallet = btr::node::wallet;
namespace core = btr::core;

TEST_CASE("wallet wif: the regtest pre-mine key round trips and matches chain.md") {
  const auto& reg = core::chain_params(core::Network::kRegtest);
  const auto& main = core::chain_params(core::Network::kMain);
  const std::string wif = "cPZLxCJEB6s7eY7A1epqB7h3CAT7FNaCjssokGyd4JMPSD3UKGJs";
  auto k = core::decode_wif(wif, reg.prefixes);
  REQUIRE(k.ok());
  CHECK(k->compressed);
  CHECK(core::to_hex(k->key.bytes()) ==
        "3afa0ece75d0e72aae528fd0307732f85f5fef24f1b048cc891caf980d65ab3f");
  CHECK(k->key.public_key(true).id() == reg.premine_key_hash);
  CHECK(core::encode_address({core::AddressType::kP2pkh, reg.premine_key_hash}, reg.prefixes) ==
        "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs");
  CHECK(core::decode_wif(wif, main.prefixes).error() == "wif-wrong-network");
  const std::string main_wif = core::encode_wif(k->key, true, main.prefixes);
  CHECK(main_wif != wif);
  CHECK(core::decode_wif(main_wif, main.prefixes)->key == k->key);

  btr::test::TempDir dir;
  auto db = wallet::WalletDb::open(dir.path() / "wallet.sqlite");
  REQUIRE(db.ok());
  auto km = wallet::KeyManager::open(**db, [] { return int64_t{0}; });
  REQUIRE(km.ok());
  auto h = (*km)->import_key(k->key, k->compressed, "premine");
  REQUIRE(h.ok());
  CHECK(*h == reg.premine_key_hash);
  auto back = (*km)->private_key(*h);
  REQUIRE(back.ok());
  const wallet::KeyRow* row = (*km)->find(*h);
  REQUIRE(row != nullptr);
  CHECK(core::encode_wif(*back, row->pubkey.size() == 33, reg.prefixes) == wif);
  CHECK(row->label == "premine");
}
