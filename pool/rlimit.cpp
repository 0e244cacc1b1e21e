#include "pool/rlimit.h"

#include <sys/resource.h>

namespace btr::pool {

FileLimit raise_open_file_limit() {
  FileLimit out;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return out;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit want = lim;
    want.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &want) == 0) {
      out.raised = true;
      lim = want;
    }
  }
  out.soft = lim.rlim_cur;
  out.hard = lim.rlim_max;
  return out;
}

}  // namespace btr::pool
