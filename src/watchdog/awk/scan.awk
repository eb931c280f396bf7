# Log scanner: reads the new bytes of a log (stdin), at most `limit` bytes, and prints
# "consumed N" (bytes of complete lines read) plus "KIND detail" for the first oom, diverged,
# nccl-timeout and traceback it meets and "error LINE" for the last exception line.
# A traceback whose exception line has not been written yet is left for the next scan.
function out(kind, line) { if (!(kind in SEEN)) { SEEN[kind] = 1; gsub(/[\001-\037\177]/, " ", line); print kind, substr(line, 1, 300) } }
function diverged(l,   i, rest) {
  while ((i = index(l, "loss")) > 0) {
    rest = substr(l, i + 4, 48)
    if (rest ~ /^[a-z_]*[^0-9a-z]*((is|was|became|of|=)[^0-9a-z]*)?[-+]?(nan|inf|infinity)([^a-z0-9_]|$)/) return 1
    l = substr(l, i + 4)
  }
  return 0
}
BEGIN { consumed = 0; tb = 0 }
{
  len = length($0) + 1
  if (consumed + len > limit) exit
  start = consumed; consumed += len
  if (skipfirst && NR == 1) next
  line = $0
  gsub(/\r/, " ", line)
  sub(/^\[[^]]*\]:[ ]?/, "", line)
  if (tb) {
    if (line ~ /^[A-Za-z_][A-Za-z0-9_.]*(:( |$)|$)/) { tb = 0; err = line; out("traceback", line) }
    else if (++tblines > 500) tb = 0
  }
  if (index(line, "Traceback (most recent call last)") == 1) { tb = 1; tb_start = start; tblines = 0 }
  l = tolower(line)
  if (index(l, "cuda out of memory") || index(l, "outofmemoryerror") || index(l, "cuda error: out of memory") || index(l, "cublas_status_alloc_failed")) out("oom", line)
  if (index(l, "collective operation timeout") || (index(l, "nccl") && (index(l, "timed out") || index(l, "timing out") || index(l, "timeout(ms)")))) out("nccl-timeout", line)
  if (index(l, "loss") && diverged(l)) out("diverged", line)
}
END {
  if (tb && !final && consumed - tb_start < 65536) consumed = tb_start
  else if (tb) out("traceback", "Traceback (most recent call last)")
  if (err != "") { gsub(/[\001-\037\177]/, " ", err); print "error", substr(err, 1, 300) }
  print "consumed", consumed
}
