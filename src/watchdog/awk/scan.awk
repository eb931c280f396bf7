# Log scanner: reads the new bytes of a log (stdin), at most `limit` bytes, and prints
# "consumed N" (bytes of complete lines read) plus "KIND detail" for the first oom, diverged,
# nccl-timeout and traceback it meets and "error LINE" for the last exception line.
# A traceback whose exception line has not been written yet is left for the next scan.
# What a line says comes from grammar_line() (AWK_GRAMMAR, generated from src/logs/grammar.ts).
function out(kind, line) { if (!(kind in SEEN)) { SEEN[kind] = 1; gsub(/[\001-\037\177]/, " ", line); print kind, substr(line, 1, 300) } }
BEGIN { consumed = 0; tb = 0 }
{
  len = length($0) + 1
  if (consumed + len > limit) exit
  start = consumed; consumed += len
  if (skipfirst && NR == 1) next
  line = $0
  gsub(/\r/, " ", line)
  sub(/^\[[^]]*\]:[ ]?/, "", line)
  grammar_line(line)
  if (tb) {
    if (g_exc) { tb = 0; err = line; out("traceback", line) }
    else if (++tblines > 500) tb = 0
  }
  if (g_tb) { tb = 1; tb_start = start; tblines = 0 }
  if (g_oom) out("oom", line)
  if (g_nccl) out("nccl-timeout", line)
  if (g_bad) out("diverged", line)
}
END {
  if (tb && !final && consumed - tb_start < 65536) consumed = tb_start
  else if (tb) out("traceback", "Traceback (most recent call last)")
  if (err != "") { gsub(/[\001-\037\177]/, " ", err); print "error", substr(err, 1, 300) }
  print "consumed", consumed
}
