#include "tools/cli/attack_prob.h"

#include <cmath>

namespace btr::tools {

double attacker_success_probability(double q, int z) {
  const double p = 1.0 - q;
  if (q >= p) return 1.0;
  const double lambda = z * (q / p);
  double sum = 1.0;
  double poisson = std::exp(-lambda);  // k = 0 term, updated by lambda / k
  for (int k = 0; k <= z; ++k) {
    if (k > 0) poisson *= lambda / k;
    sum -= poisson * (1.0 - std::pow(q / p, z - k));
  }
  return sum < 0 ? 0.0 : sum;
}

}  // namespace btr::tools
