#include "core/script/sig_cache.h"

#include <cassert>
#include <cstring>

#include "core/crypto/sha256.h"

namespace btr::core::script {

SignatureCache::SignatureCache(size_t capacity, std::span<const uint8_t> salt)
    : capacity_(capacity), salt_(salt.begin(), salt.end()) {
  assert(capacity > 0);
  set_.reserve(capacity);
  ring_.reserve(capacity);
}

size_t SignatureCache::KeyHash::operator()(const Key& k) const {
  // The key is already a salted SHA-256: any 8 bytes of it are uniform.
  size_t h = 0;
  std::memcpy(&h, k.bytes.data(), sizeof(h));
  return h;
}

SignatureCache::Key SignatureCache::make_key(const Hash256& sighash,
                                             std::span<const uint8_t> pubkey,
                                             std::span<const uint8_t> sig) const {
  Sha256 h;
  h.write(salt_).write(sighash.bytes);
  // Length prefixes keep (pubkey, sig) pairs from running into each other.
  const uint8_t lens[2] = {static_cast<uint8_t>(pubkey.size()), static_cast<uint8_t>(sig.size())};
  h.write(lens).write(pubkey).write(sig);
  return h.finalize();
}

bool SignatureCache::contains(const Hash256& sighash, std::span<const uint8_t> pubkey,
                              std::span<const uint8_t> sig) const {
  const Key key = make_key(sighash, pubkey, sig);
  std::lock_guard lock(mu_);
  const bool found = set_.count(key) != 0;
  ++(found ? hits_ : misses_);
  return found;
}

void SignatureCache::insert(const Hash256& sighash, std::span<const uint8_t> pubkey,
                            std::span<const uint8_t> sig) {
  const Key key = make_key(sighash, pubkey, sig);
  std::lock_guard lock(mu_);
  if (!set_.insert(key).second) return;
  if (ring_.size() < capacity_) {
    ring_.push_back(key);
    return;
  }
  // Full: the oldest entry makes room.
  set_.erase(ring_[ring_next_]);
  ring_[ring_next_] = key;
  ring_next_ = (ring_next_ + 1) % capacity_;
}

size_t SignatureCache::size() const {
  std::lock_guard lock(mu_);
  return set_.size();
}

uint64_t SignatureCache::hits() const {
  std::lock_guard lock(mu_);
  return hits_;
}

uint64_t SignatureCache::misses() const {
  std::lock_guard lock(mu_);
  return misses_;
}

}  // namespace btr::core::script
