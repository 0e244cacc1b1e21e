#pragma once
// The pool's dashboard: one self-contained HTML page (inline CSS and JS, no
// external assets, no build step) that reads the JSON API: pool summary, a
// hashrate chart drawn on a canvas, the workers table, blocks with their
// status, and a lookup by address (also opened by /#address=ADDR).

#include <string>

namespace btr::pool::http {

const std::string& dashboard_html();

}  // namespace btr::pool::http
