#!/bin/sh
# Counts the vector instructions in the hot loop of each function of an object file: the
# machine-independent measure of a SIMD kernel (timings on a shared machine are noisy).
#
#   tools/bench/loop_ops.sh build/release/kernels/CMakeFiles/btr_kernels.dir/cpu/scan_avx512.cpp.o
#
# For every function with a loop, the loop is the longest backward jump; inside it the script
# counts instructions that name a register of the chosen class (zmm by default, REG=ymm or
# REG=xmm otherwise), by mnemonic. Register-to-register moves (usually eliminated at rename) and
# broadcasts from memory (load-port only) are counted apart, because neither takes a vector ALU
# port. One pass of the AVX-512 loop hashes 16 nonces.
set -eu
obj=${1:?usage: loop_ops.sh OBJECT_FILE}
reg=${REG:-zmm}
objdump -d --no-show-raw-insn -C "$obj" | awk -v reg="$reg" '
function hex(s,   i, v) {  # mawk has no strtonum
  v = 0
  for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
  return v
}
function flush(   i, a, lo, hi, n, moves, loads, op, line, k, out) {
  if (count == 0) return
  lo = -1; hi = -1
  for (i = 1; i <= count; i++) {
    if (mn[i] ~ /^j/ && target[i] >= 0 && target[i] < addr[i] && addr[i] - target[i] > hi - lo) {
      lo = target[i]; hi = addr[i]
    }
  }
  if (lo >= 0) {
    n = 0; moves = 0; loads = 0; delete per
    for (i = 1; i <= count; i++) {
      if (addr[i] < lo || addr[i] > hi || args[i] !~ reg) continue
      op = mn[i]
      if (op ~ /^vmovdq/ && args[i] !~ /\(/) moves++
      else if (op ~ /^vpbroadcast/ && args[i] ~ /\(/) loads++
      else { n++; per[op]++ }
    }
    if (n > 0) {
      out = ""
      for (k in per) out = out " " k "=" per[k]
      printf "%s\n  loop: %d %s ALU instructions (+%d register moves, %d broadcast loads):%s\n",
             fname, n, reg, moves, loads, out
    }
  }
  count = 0
}
/^[0-9a-f]+ <.*>:$/ { flush(); fname = substr($0, index($0, "<")); next }
/^ *[0-9a-f]+:/ {
  count++
  addr[count] = hex(substr($1, 1, length($1) - 1))
  mn[count] = $2
  args[count] = $3
  target[count] = ($2 ~ /^j/ && $3 ~ /^[0-9a-f]+$/) ? hex($3) : -1
}
END { flush() }'
