#pragma once
// Bitcoin's legacy transaction: serialization, strict parsing and txid.
// BitSilver has no SegWit (chain.md): consensus code reads and writes only
// the legacy form. parse_transaction_bip144() exists for one edge case:
// pool software that appends a witness (the 32-byte witness reserved value)
// to its coinbase. The node accepts that coinbase and drops the witness.

#include <compare>
#include <cstdint>
#include <span>
#include <vector>

#include "core/amount.h"
#include "core/result.h"
#include "core/serialize.h"
#include "core/uint256.h"

namespace btr::core {

struct OutPoint {
  Hash256 txid;
  uint32_t index = 0;

  static constexpr uint32_t kNullIndex = 0xffffffff;
  // The coinbase's prevout: zero txid and index 0xffffffff.
  bool is_null() const { return index == kNullIndex && txid.is_zero(); }
  auto operator<=>(const OutPoint&) const = default;
};

struct TxIn {
  static constexpr uint32_t kFinalSequence = 0xffffffff;
  OutPoint prevout;
  std::vector<uint8_t> script_sig;
  uint32_t sequence = kFinalSequence;

  bool operator==(const TxIn&) const = default;
};

struct TxOut {
  Amount value = 0;
  std::vector<uint8_t> script_pubkey;

  bool operator==(const TxOut&) const = default;
};

// Smallest legacy encodings, used to bound counts by the remaining input.
inline constexpr size_t kMinTxInSize = 32 + 4 + 1 + 4;
inline constexpr size_t kMinTxOutSize = 8 + 1;
inline constexpr size_t kMinTransactionSize = 4 + 1 + 1 + 4;

struct Transaction {
  int32_t version = 1;
  std::vector<TxIn> inputs;
  std::vector<TxOut> outputs;
  uint32_t locktime = 0;

  void serialize(Writer& w) const;
  std::vector<uint8_t> serialize() const;
  size_t serialized_size() const;
  // Exactly one legacy transaction; trailing bytes are an error.
  static Result<Transaction> parse(std::span<const uint8_t> bytes);
  // One legacy transaction from a stream (a block), leaving the rest unread.
  static Result<Transaction> read(Reader& r);

  // SHA256d of the legacy serialization (internal byte order).
  Hash256 txid() const;
  bool is_coinbase() const { return inputs.size() == 1 && inputs[0].prevout.is_null(); }
  // Sum of the output values; refused, with check_transaction's reasons, when
  // a value or the running sum leaves [0, kMaxMoney].
  Result<Amount> total_output_value() const;

  bool operator==(const Transaction&) const = default;
};

// One input's witness stack (BIP144).
using WitnessStack = std::vector<std::vector<uint8_t>>;

struct ExtendedTransaction {
  Transaction tx;                       // the legacy transaction (what txid and blocks use)
  bool has_witness = false;             // the input used the BIP144 marker and flag
  std::vector<WitnessStack> witnesses;  // one per input when has_witness, else empty
};

// Accepts the legacy form or BIP144's extended form (marker 0x00, flag 0x01,
// then one witness stack per input after the outputs). Refuses an unknown
// flag and a witness section whose stacks are all empty, as Bitcoin does.
Result<ExtendedTransaction> read_transaction_bip144(Reader& r);
Result<ExtendedTransaction> parse_transaction_bip144(std::span<const uint8_t> bytes);

}  // namespace btr::core
