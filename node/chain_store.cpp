#include "node/chain_store.h"

#include <algorithm>

#include "core/crypto/sha256.h"
#include "core/serialize.h"

namespace btr::node {
namespace {

std::span<const uint8_t> blob(const core::Hash256& h) {
  return h.bytes;
}

core::Hash256 hash_from(const std::vector<uint8_t>& b) {
  core::Hash256 h;
  if (b.size() == 32) std::copy(b.begin(), b.end(), h.bytes.begin());
  return h;
}

std::array<uint8_t, 32> work_bytes(const core::Uint256& w) {
  // Big-endian so that SQLite's memcmp order is numeric order.
  auto le = w.to_le_bytes();
  std::reverse(le.begin(), le.end());
  return le;
}

core::Uint256 work_from(std::vector<uint8_t> b) {
  std::array<uint8_t, 32> le{};
  if (b.size() == 32) std::reverse_copy(b.begin(), b.end(), le.begin());
  return core::Uint256::from_le_bytes(le);
}

}  // namespace

core::Result<std::unique_ptr<ChainStore>> ChainStore::open(const std::filesystem::path& path) {
  auto db = SqliteDb::open(path);
  if (!db) return core::fail(db.error());
  std::unique_ptr<ChainStore> store(new ChainStore(std::move(*db)));
  if (auto st = store->init_schema(); !st) return core::fail(st.error());
  return store;
}

core::Status ChainStore::init_schema() {
  // WAL + NORMAL: a committed transaction survives a process kill; only an
  // OS crash may lose the last ones, never consistency.
  if (auto st = db_->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !st) return st;
  return db_->exec(
      "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB);"
      "CREATE TABLE IF NOT EXISTS block_index(hash BLOB PRIMARY KEY, height INTEGER NOT NULL,"
      " header BLOB NOT NULL, chain_work BLOB NOT NULL, status INTEGER NOT NULL,"
      " tx_count INTEGER NOT NULL, size INTEGER NOT NULL, sequence INTEGER NOT NULL,"
      " fail_reason TEXT NOT NULL DEFAULT '');"
      "CREATE TABLE IF NOT EXISTS blocks(hash BLOB PRIMARY KEY, height INTEGER NOT NULL,"
      " data BLOB NOT NULL);"
      "CREATE TABLE IF NOT EXISTS utxo(txid BLOB NOT NULL, vout INTEGER NOT NULL,"
      " code INTEGER NOT NULL, value INTEGER NOT NULL, script BLOB NOT NULL,"
      " PRIMARY KEY(txid, vout)) WITHOUT ROWID;"
      "CREATE TABLE IF NOT EXISTS undo(hash BLOB PRIMARY KEY, data BLOB NOT NULL);"
      "CREATE TABLE IF NOT EXISTS txindex(txid BLOB PRIMARY KEY, block BLOB NOT NULL)"
      " WITHOUT ROWID;");
}

std::string ChainStore::network() {
  auto s = db_->prepare("SELECT value FROM meta WHERE key='network'");
  auto row = s.step();
  return row && *row ? s.column_text(0) : std::string();
}

core::Status ChainStore::set_network(const std::string& network) {
  auto s = db_->prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('network', ?)");
  s.bind_text(1, network);
  return s.exec();
}

core::Status ChainStore::add_block(const BlockRecord& rec, std::span<const uint8_t> raw) {
  SqliteTxn txn(*db_);
  auto idx = db_->prepare(
      "INSERT OR REPLACE INTO block_index(hash, height, header, chain_work, status, tx_count, size,"
      " sequence, fail_reason) VALUES(?,?,?,?,?,?,?,?,?)");
  const auto header = rec.header.serialize();
  const auto work = work_bytes(rec.chain_work);
  idx.bind(1, blob(rec.hash)).bind(2, rec.height).bind(3, header).bind(4, work);
  idx.bind(5, rec.status).bind(6, rec.tx_count).bind(7, rec.size).bind(8, rec.sequence);
  idx.bind_text(9, rec.fail_reason);
  if (auto st = idx.exec(); !st) return st;
  if (!raw.empty()) {
    auto data = db_->prepare("INSERT OR REPLACE INTO blocks(hash, height, data) VALUES(?,?,?)");
    data.bind(1, blob(rec.hash)).bind(2, rec.height).bind(3, raw);
    if (auto st = data.exec(); !st) return st;
  }
  return txn.commit();
}

core::Status ChainStore::set_status(const core::Hash256& hash, uint32_t status,
                                    const std::string& reason) {
  auto s = db_->prepare("UPDATE block_index SET status=?, fail_reason=? WHERE hash=?");
  s.bind(1, status).bind_text(2, reason);
  s.bind(3, blob(hash));
  return s.exec();
}

core::Status ChainStore::set_sequence(const core::Hash256& hash, int64_t sequence) {
  auto s = db_->prepare("UPDATE block_index SET sequence=? WHERE hash=?");
  s.bind(1, sequence).bind(2, blob(hash));
  return s.exec();
}

core::Result<std::vector<BlockRecord>> ChainStore::load_index() {
  auto s = db_->prepare(
      "SELECT hash, height, header, chain_work, status, tx_count, size, sequence, fail_reason"
      " FROM block_index ORDER BY height");
  std::vector<BlockRecord> out;
  while (true) {
    auto row = s.step();
    if (!row) return core::fail(row.error());
    if (!*row) break;
    BlockRecord r;
    r.hash = hash_from(s.column_blob(0));
    r.height = static_cast<int32_t>(s.column_int(1));
    auto header = core::BlockHeader::parse(s.column_blob(2));
    if (!header) return core::fail("corrupt block index entry");
    r.header = *header;
    r.chain_work = work_from(s.column_blob(3));
    r.status = static_cast<uint32_t>(s.column_int(4));
    r.tx_count = static_cast<uint32_t>(s.column_int(5));
    r.size = static_cast<uint32_t>(s.column_int(6));
    r.sequence = s.column_int(7);
    r.fail_reason = s.column_text(8);
    out.push_back(std::move(r));
  }
  return out;
}

core::Result<std::optional<std::vector<uint8_t>>> ChainStore::read_block(
    const core::Hash256& hash) {
  auto s = db_->prepare("SELECT data FROM blocks WHERE hash=?");
  s.bind(1, blob(hash));
  auto row = s.step();
  if (!row) return core::fail(row.error());
  if (!*row) return std::optional<std::vector<uint8_t>>();
  return std::optional<std::vector<uint8_t>>(s.column_blob(0));
}

std::optional<core::Hash256> ChainStore::tip() {
  auto s = db_->prepare("SELECT value FROM meta WHERE key='tip'");
  auto row = s.step();
  if (!row || !*row) return std::nullopt;
  return hash_from(s.column_blob(0));
}

core::Result<std::optional<Coin>> ChainStore::get_coin(const core::OutPoint& outpoint) {
  auto s = db_->prepare("SELECT code, value, script FROM utxo WHERE txid=? AND vout=?");
  s.bind(1, blob(outpoint.txid)).bind(2, outpoint.index);
  auto row = s.step();
  if (!row) return core::fail(row.error());
  if (!*row) return std::optional<Coin>();
  Coin c;
  const auto code = static_cast<uint32_t>(s.column_int(0));
  c.height = code >> 1;
  c.coinbase = (code & 1) != 0;
  c.out.value = s.column_int(1);
  c.out.script_pubkey = s.column_blob(2);
  return std::optional<Coin>(std::move(c));
}

core::Status ChainStore::connect_block(const core::Hash256& hash, const BlockUndo& undo,
                                       const std::vector<NewCoin>& created,
                                       const std::vector<core::Hash256>& txids, bool txindex) {
  SqliteTxn txn(*db_);
  if (!txn.began()) return core::fail("sqlite: cannot begin: " + db_->last_error());
  auto del = db_->prepare("DELETE FROM utxo WHERE txid=? AND vout=?");
  for (const SpentCoin& s : undo.spent) {
    del.bind(1, blob(s.outpoint.txid)).bind(2, s.outpoint.index);
    if (auto st = del.exec(); !st) return st;
    if (sqlite3_changes(db_->handle()) != 1) return core::fail("bad-txns-inputs-missingorspent");
  }
  auto add = db_->prepare("INSERT INTO utxo(txid, vout, code, value, script) VALUES(?,?,?,?,?)");
  for (const NewCoin& n : created) {
    add.bind(1, blob(n.outpoint.txid)).bind(2, n.outpoint.index);
    add.bind(3, int64_t{n.coin.height} * 2 + (n.coin.coinbase ? 1 : 0));
    add.bind(4, n.coin.out.value).bind(5, n.coin.out.script_pubkey);
    // A clash means an unspent output with the same txid exists (BIP30).
    if (auto st = add.exec(); !st) return core::fail("bad-txns-BIP30");
  }
  auto u = db_->prepare("INSERT OR REPLACE INTO undo(hash, data) VALUES(?,?)");
  u.bind(1, blob(hash)).bind(2, undo.serialize());
  if (auto st = u.exec(); !st) return st;
  if (txindex) {
    auto tx = db_->prepare("INSERT OR REPLACE INTO txindex(txid, block) VALUES(?,?)");
    for (const core::Hash256& id : txids) {
      tx.bind(1, blob(id)).bind(2, blob(hash));
      if (auto st = tx.exec(); !st) return st;
    }
  }
  auto status = db_->prepare("UPDATE block_index SET status = status | ? WHERE hash=?");
  status.bind(1, block_status::kValid).bind(2, blob(hash));
  if (auto st = status.exec(); !st) return st;
  auto tip = db_->prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('tip', ?)");
  tip.bind(1, blob(hash));
  if (auto st = tip.exec(); !st) return st;
  return txn.commit();
}

core::Status ChainStore::disconnect_block(const core::Hash256& hash, const core::Hash256& new_tip,
                                          const BlockUndo& undo,
                                          const std::vector<NewCoin>& created,
                                          const std::vector<core::Hash256>& txids) {
  SqliteTxn txn(*db_);
  if (!txn.began()) return core::fail("sqlite: cannot begin: " + db_->last_error());
  auto del = db_->prepare("DELETE FROM utxo WHERE txid=? AND vout=?");
  for (const NewCoin& n : created) {
    del.bind(1, blob(n.outpoint.txid)).bind(2, n.outpoint.index);
    if (auto st = del.exec(); !st) return st;
  }
  auto add = db_->prepare("INSERT INTO utxo(txid, vout, code, value, script) VALUES(?,?,?,?,?)");
  for (const SpentCoin& s : undo.spent) {
    add.bind(1, blob(s.outpoint.txid)).bind(2, s.outpoint.index);
    add.bind(3, int64_t{s.coin.height} * 2 + (s.coin.coinbase ? 1 : 0));
    add.bind(4, s.coin.out.value).bind(5, s.coin.out.script_pubkey);
    if (auto st = add.exec(); !st) return st;
  }
  auto u = db_->prepare("DELETE FROM undo WHERE hash=?");
  u.bind(1, blob(hash));
  if (auto st = u.exec(); !st) return st;
  auto tx = db_->prepare("DELETE FROM txindex WHERE txid=? AND block=?");
  for (const core::Hash256& id : txids) {
    tx.bind(1, blob(id)).bind(2, blob(hash));
    if (auto st = tx.exec(); !st) return st;
  }
  auto tip = db_->prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('tip', ?)");
  tip.bind(1, blob(new_tip));
  if (auto st = tip.exec(); !st) return st;
  return txn.commit();
}

core::Result<std::optional<BlockUndo>> ChainStore::read_undo(const core::Hash256& hash) {
  auto s = db_->prepare("SELECT data FROM undo WHERE hash=?");
  s.bind(1, blob(hash));
  auto row = s.step();
  if (!row) return core::fail(row.error());
  if (!*row) return std::optional<BlockUndo>();
  auto undo = BlockUndo::parse(s.column_blob(0));
  if (!undo) return core::fail(undo.error());
  return std::optional<BlockUndo>(std::move(*undo));
}

core::Result<UtxoStats> ChainStore::utxo_stats() {
  // One read transaction so the scan sees a single state.
  SqliteTxn txn(*db_);
  auto s = db_->prepare("SELECT txid, vout, code, value, script FROM utxo ORDER BY txid, vout");
  UtxoStats stats;
  core::Sha256 hasher;
  std::vector<uint8_t> buf;
  core::Hash256 last_txid;
  bool first = true;
  while (true) {
    auto row = s.step();
    if (!row) return core::fail(row.error());
    if (!*row) break;
    core::OutPoint op{hash_from(s.column_blob(0)), static_cast<uint32_t>(s.column_int(1))};
    Coin c;
    const auto code = static_cast<uint32_t>(s.column_int(2));
    c.height = code >> 1;
    c.coinbase = (code & 1) != 0;
    c.out.value = s.column_int(3);
    c.out.script_pubkey = s.column_blob(4);
    buf.clear();
    core::Writer w(buf);
    serialize_utxo_entry(w, op, c);
    hasher.write(buf);
    stats.serialized_size += buf.size();
    ++stats.txouts;
    stats.total_amount += c.out.value;
    if (first || op.txid != last_txid) ++stats.transactions;
    first = false;
    last_txid = op.txid;
  }
  const core::Hash256 once = hasher.finalize();
  stats.hash = core::sha256(once.bytes);
  return stats;
}

std::optional<core::Hash256> ChainStore::find_tx(const core::Hash256& txid) {
  auto s = db_->prepare("SELECT block FROM txindex WHERE txid=?");
  s.bind(1, blob(txid));
  auto row = s.step();
  if (!row || !*row) return std::nullopt;
  return hash_from(s.column_blob(0));
}

uint64_t ChainStore::stored_block_bytes() {
  auto s = db_->prepare("SELECT COALESCE(SUM(LENGTH(data)), 0) FROM blocks");
  auto row = s.step();
  return row && *row ? static_cast<uint64_t>(s.column_int(0)) : 0;
}

core::Result<size_t> ChainStore::prune(uint64_t target_bytes,
                                       const std::vector<core::Hash256>& keep) {
  uint64_t total = stored_block_bytes();
  if (total <= target_bytes) return size_t{0};
  SqliteTxn txn(*db_);
  auto list = db_->prepare("SELECT hash, LENGTH(data) FROM blocks ORDER BY height");
  std::vector<std::pair<core::Hash256, uint64_t>> victims;
  while (total > target_bytes) {
    auto row = list.step();
    if (!row) return core::fail(row.error());
    if (!*row) break;
    const core::Hash256 h = hash_from(list.column_blob(0));
    if (std::find(keep.begin(), keep.end(), h) != keep.end()) continue;
    const auto len = static_cast<uint64_t>(list.column_int(1));
    victims.emplace_back(h, len);
    total -= len;
  }
  list.reset();
  auto del = db_->prepare("DELETE FROM blocks WHERE hash=?");
  auto mark = db_->prepare("UPDATE block_index SET status = (status & ?) | ? WHERE hash=?");
  for (const auto& [h, len] : victims) {
    del.bind(1, blob(h));
    if (auto st = del.exec(); !st) return core::fail(st.error());
    mark.bind(1, ~int64_t{block_status::kHaveData}).bind(2, block_status::kPruned).bind(3, blob(h));
    if (auto st = mark.exec(); !st) return core::fail(st.error());
  }
  if (auto st = txn.commit(); !st) return core::fail(st.error());
  return victims.size();
}

}  // namespace btr::node
