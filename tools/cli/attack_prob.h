#pragma once
// The probability that an attacker with a share q of the hash power ever
// catches up from z blocks behind: Nakamoto's calculation (white paper,
// section 11), Poisson-distributed attacker progress while the honest chain
// finds z blocks, then the gambler's-ruin catch-up probability (q/p)^(z-k).

namespace btr::tools {

// q in [0, 1], z >= 0. Returns 1 when q >= 0.5.
double attacker_success_probability(double q, int z);

}  // namespace btr::tools
