#include "core/transaction.h"

#include "core/crypto/sha256.h"

namespace btr::core {

namespace {

// Propagates a failed Result<T> from inside a function returning Result/Status.
#define BTR_TRY_ASSIGN(var, expr)             \
  auto var##_r = (expr);                      \
  if (!var##_r) return fail(var##_r.error()); \
  auto var = std::move(*var##_r)

Status read_inputs(Reader& r, std::vector<TxIn>& inputs) {
  BTR_TRY_ASSIGN(n, r.count(kMinTxInSize));
  inputs.clear();
  inputs.reserve(n);  // bounded by the remaining input (Reader::count)
  for (uint64_t i = 0; i < n; ++i) {
    TxIn in;
    BTR_TRY_ASSIGN(txid, r.hash());
    BTR_TRY_ASSIGN(index, r.u32());
    BTR_TRY_ASSIGN(script, r.var_bytes());
    BTR_TRY_ASSIGN(sequence, r.u32());
    in.prevout = OutPoint{txid, index};
    in.script_sig = std::move(script);
    in.sequence = sequence;
    inputs.push_back(std::move(in));
  }
  return {};
}

Status read_outputs(Reader& r, std::vector<TxOut>& outputs) {
  BTR_TRY_ASSIGN(n, r.count(kMinTxOutSize));
  outputs.clear();
  outputs.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    BTR_TRY_ASSIGN(value, r.i64());
    BTR_TRY_ASSIGN(script, r.var_bytes());
    outputs.push_back(TxOut{value, std::move(script)});
  }
  return {};
}

Status read_witnesses(Reader& r, size_t n_inputs, std::vector<WitnessStack>& out) {
  out.assign(n_inputs, {});
  bool any = false;
  for (WitnessStack& stack : out) {
    BTR_TRY_ASSIGN(items, r.count(1));
    for (uint64_t i = 0; i < items; ++i) {
      BTR_TRY_ASSIGN(item, r.var_bytes());
      stack.push_back(std::move(item));
    }
    any = any || !stack.empty();
  }
  if (!any) return fail("superfluous-witness-record");
  return {};
}

#undef BTR_TRY_ASSIGN

}  // namespace

void Transaction::serialize(Writer& w) const {
  w.i32(version).compact_size(inputs.size());
  for (const TxIn& in : inputs) {
    w.hash(in.prevout.txid).u32(in.prevout.index).var_bytes(in.script_sig).u32(in.sequence);
  }
  w.compact_size(outputs.size());
  for (const TxOut& out : outputs) w.i64(out.value).var_bytes(out.script_pubkey);
  w.u32(locktime);
}

std::vector<uint8_t> Transaction::serialize() const {
  std::vector<uint8_t> out;
  out.reserve(serialized_size());
  Writer w(out);
  serialize(w);
  return out;
}

size_t Transaction::serialized_size() const {
  size_t n = 4 + compact_size_length(inputs.size()) + compact_size_length(outputs.size()) + 4;
  for (const TxIn& in : inputs) {
    n += 32 + 4 + compact_size_length(in.script_sig.size()) + in.script_sig.size() + 4;
  }
  for (const TxOut& out : outputs) {
    n += 8 + compact_size_length(out.script_pubkey.size()) + out.script_pubkey.size();
  }
  return n;
}

Result<Transaction> Transaction::read(Reader& r) {
  Transaction tx;
  auto version = r.i32();
  if (!version) return fail(version.error());
  tx.version = *version;
  if (Status s = read_inputs(r, tx.inputs); !s) return fail(s.error());
  if (Status s = read_outputs(r, tx.outputs); !s) return fail(s.error());
  auto locktime = r.u32();
  if (!locktime) return fail(locktime.error());
  tx.locktime = *locktime;
  return tx;
}

Result<Transaction> Transaction::parse(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  auto tx = read(r);
  if (!tx) return tx;
  if (Status end = r.expect_end(); !end) return fail(end.error());
  return tx;
}

Hash256 Transaction::txid() const {
  return sha256d(serialize());
}

Result<Amount> Transaction::total_output_value() const {
  Amount total = 0;
  for (const TxOut& out : outputs) {
    if (out.value < 0) return fail("bad-txns-vout-negative");
    if (out.value > kMaxMoney) return fail("bad-txns-vout-toolarge");
    total += out.value;  // both terms <= kMaxMoney: cannot overflow
    if (!money_range(total)) return fail("bad-txns-txouttotal-toolarge");
  }
  return total;
}

Result<ExtendedTransaction> read_transaction_bip144(Reader& r) {
  ExtendedTransaction ext;
  Transaction& tx = ext.tx;
  auto version = r.i32();
  if (!version) return fail(version.error());
  tx.version = *version;
  if (Status s = read_inputs(r, tx.inputs); !s) return fail(s.error());
  uint8_t flag = 0;
  if (tx.inputs.empty()) {
    // An empty input list is BIP144's marker; the next byte is the flag. A
    // zero flag reads as Bitcoin does: no inputs and no outputs.
    auto f = r.u8();
    if (!f) return fail(f.error());
    flag = *f;
    if (flag != 0 && flag != 1) return fail("unknown-tx-optional-data");
    if (flag == 1) {
      if (Status s = read_inputs(r, tx.inputs); !s) return fail(s.error());
      if (Status s = read_outputs(r, tx.outputs); !s) return fail(s.error());
    }
  } else {
    if (Status s = read_outputs(r, tx.outputs); !s) return fail(s.error());
  }
  if (flag == 1) {
    if (Status s = read_witnesses(r, tx.inputs.size(), ext.witnesses); !s) return fail(s.error());
    ext.has_witness = true;
  }
  auto locktime = r.u32();
  if (!locktime) return fail(locktime.error());
  tx.locktime = *locktime;
  return ext;
}

Result<ExtendedTransaction> parse_transaction_bip144(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  auto ext = read_transaction_bip144(r);
  if (!ext) return ext;
  if (Status end = r.expect_end(); !end) return fail(end.error());
  return ext;
}

}  // namespace btr::core
