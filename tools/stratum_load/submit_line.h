#pragma once
// The mining.submit line the load generator sends for every share, built
// without temporaries: at 50,000 shares/s the old string concatenation (a
// dozen short-lived strings per share) was a visible part of the tool's own
// CPU. The text is exactly what it was:
//   {"id":N,"method":"mining.submit","params":["user","job","en2","ntime","nonce","00000000"]}\n
// user and job_id are written as given (no escaping), as before: the user
// name comes from the command line and job ids are plain in btr-pool.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace btr::tools {

// Appends the line, final '\n' included, to `out`.
void append_submit_line(std::string& out, std::string_view user, uint32_t id,
                        std::string_view job_id, std::span<const uint8_t> en2, uint32_t ntime,
                        uint32_t nonce);

}  // namespace btr::tools
