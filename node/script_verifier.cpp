#include "node/script_verifier.h"

namespace btr::node {

core::Status UnavailableScriptVerifier::verify(const core::Transaction&, size_t, const core::TxOut&,
                                               uint32_t) const {
  return core::fail("script-verify-unavailable");
}

}  // namespace btr::node
