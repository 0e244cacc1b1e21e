// Signature, lock-time and sequence checks against a transaction: the
// interpreter's view of the outside world.

#include <secp256k1.h>

#include <algorithm>
#include <array>
#include <cassert>

#include "core/script/interpreter.h"
#include "core/script/sig_cache.h"
#include "core/script/sighash.h"

namespace btr::core::script {
namespace {

using Span = std::span<const uint8_t>;

// Reads one DER length (short or long form) at `pos`, Bitcoin's lax way:
// leading zero bytes of a long form are skipped, at most 3 remain.
bool read_lax_length(Span in, size_t& pos, size_t& len) {
  if (pos == in.size()) return false;
  size_t byte = in[pos++];
  if ((byte & 0x80) == 0) {
    len = byte;
    return true;
  }
  byte -= 0x80;
  if (byte > in.size() - pos) return false;
  while (byte > 0 && in[pos] == 0) {
    ++pos;
    --byte;
  }
  if (byte >= 4) return false;
  len = 0;
  for (; byte > 0; --byte) len = (len << 8) + in[pos++];
  return true;
}

// One INTEGER: its tag, length and where its bytes start.
bool read_lax_integer(Span in, size_t& pos, size_t& start, size_t& len) {
  if (pos == in.size() || in[pos] != 0x02) return false;
  ++pos;
  if (!read_lax_length(in, pos, len)) return false;
  if (len > in.size() - pos) return false;
  start = pos;
  pos += len;
  return true;
}

// Copies an integer's big-endian bytes, without leading zeros, right-aligned
// into 32 bytes. False when it does not fit (the value overflows).
bool place_scalar(Span in, size_t start, size_t len, uint8_t* out32) {
  while (len > 0 && in[start] == 0) {
    ++start;
    --len;
  }
  if (len > 32) return false;
  std::copy_n(in.begin() + static_cast<std::ptrdiff_t>(start), len, out32 + 32 - len);
  return true;
}

// The DER parser Bitcoin has always verified with (its pubkey.cpp): accepts
// the BER-ish encodings OpenSSL accepted before BIP66, so that old
// signatures in non-DERSIG contexts still verify. Out-of-range R or S give
// a signature of zeros, which never verifies.
bool parse_der_lax(Span in, secp256k1_ecdsa_signature& sig) {
  size_t pos = 0;
  if (pos == in.size() || in[pos] != 0x30) return false;
  ++pos;
  // The sequence length is ignored, except that a long form must fit.
  if (pos == in.size()) return false;
  size_t seq = in[pos++];
  if ((seq & 0x80) != 0) {
    seq -= 0x80;
    if (seq > in.size() - pos) return false;
    pos += seq;
  }
  size_t r_start = 0, r_len = 0, s_start = 0, s_len = 0;
  if (!read_lax_integer(in, pos, r_start, r_len)) return false;
  if (!read_lax_integer(in, pos, s_start, s_len)) return false;
  std::array<uint8_t, 64> compact{};
  bool fits = place_scalar(in, r_start, r_len, compact.data()) &&
              place_scalar(in, s_start, s_len, compact.data() + 32);
  if (fits) {
    fits = secp256k1_ecdsa_signature_parse_compact(secp256k1_context_static, &sig,
                                                   compact.data()) == 1;
  }
  if (!fits) {
    compact.fill(0);
    const int ok =
        secp256k1_ecdsa_signature_parse_compact(secp256k1_context_static, &sig, compact.data());
    assert(ok == 1);
    (void)ok;
  }
  return true;
}

// `key` has a valid size (check_sig checked).
bool verify_ecdsa(Span der, Span key, const Hash256& digest) {
  secp256k1_pubkey point;
  if (secp256k1_ec_pubkey_parse(secp256k1_context_static, &point, key.data(), key.size()) != 1) {
    return false;
  }
  secp256k1_ecdsa_signature sig;
  if (!parse_der_lax(der, sig)) return false;
  // libsecp256k1 verifies low-S only; the LOW_S flag is a separate check.
  secp256k1_ecdsa_signature_normalize(secp256k1_context_static, &sig, &sig);
  return secp256k1_ecdsa_verify(secp256k1_context_static, &sig, digest.data(), &point) == 1;
}

}  // namespace

bool has_valid_pubkey_size(Span key) {
  if (key.empty()) return false;
  switch (key[0]) {
    case 0x02:
    case 0x03:
      return key.size() == 33;
    case 0x04:
    case 0x06:
    case 0x07:
      return key.size() == 65;
    default:
      return false;
  }
}

bool SignatureChecker::check_sig(Span, Span, Span) const {
  return false;
}
bool SignatureChecker::check_lock_time(int64_t) const {
  return false;
}
bool SignatureChecker::check_sequence(int64_t) const {
  return false;
}

TransactionSignatureChecker::TransactionSignatureChecker(const Transaction& tx, size_t input_index,
                                                         SignatureCache* cache)
    : tx_(tx), input_index_(input_index), cache_(cache) {
  assert(input_index < tx.inputs.size());
}

bool TransactionSignatureChecker::check_sig(Span sig, Span pubkey, Span script_code) const {
  if (!has_valid_pubkey_size(pubkey) || sig.empty()) return false;
  // The hash type is the last byte, read unsigned (0x81 signs as 129).
  const int32_t hash_type = sig.back();
  const Span der = sig.first(sig.size() - 1);
  const Hash256 digest = legacy_signature_hash(tx_, input_index_, script_code, hash_type);
  if (cache_ != nullptr && cache_->contains(digest, pubkey, der)) return true;
  if (!verify_ecdsa(der, pubkey, digest)) return false;
  if (cache_ != nullptr) cache_->insert(digest, pubkey, der);
  return true;
}

bool TransactionSignatureChecker::check_lock_time(int64_t lock_time) const {
  const int64_t tx_lock = tx_.locktime;
  // Heights compare with heights, times with times.
  if ((tx_lock < kLocktimeThreshold) != (lock_time < kLocktimeThreshold)) return false;
  if (lock_time > tx_lock) return false;
  // A final input would let the transaction skip its lock time altogether.
  return tx_.inputs[input_index_].sequence != TxIn::kFinalSequence;
}

bool TransactionSignatureChecker::check_sequence(int64_t sequence) const {
  constexpr int64_t kDisable = int64_t{1} << 31;
  constexpr int64_t kTypeFlag = int64_t{1} << 22;  // set: units of 512 s, else blocks
  constexpr int64_t kMask = kTypeFlag | 0xffff;
  const int64_t tx_sequence = tx_.inputs[input_index_].sequence;
  // BIP68 applies from version 2 (compared unsigned, as Bitcoin does).
  if (static_cast<uint32_t>(tx_.version) < 2) return false;
  if ((tx_sequence & kDisable) != 0) return false;
  const int64_t tx_masked = tx_sequence & kMask;
  const int64_t masked = sequence & kMask;
  if ((tx_masked < kTypeFlag) != (masked < kTypeFlag)) return false;
  return masked <= tx_masked;
}

}  // namespace btr::core::script
