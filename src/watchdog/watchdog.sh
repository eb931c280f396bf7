#!/bin/sh
# trainyard watchdog: one copy per host, in the tmux session "trainyard-watchdog", installed by
# `trainyard watchdog install` (src/watchdog/). File layout: src/remote/layout.ts.
#
# Every interval it looks at each trainyard run on this host (the manifests in ~/.trainyard/runs),
# writes ~/.trainyard/watchdog/summary.json (tmp file, then mv) and appends one JSON line to
# events.jsonl per transition: a run started, finished, crashed, was lost, stalled (GPU idle),
# went silent (log not written), diverged (NaN/inf loss), ran out of CUDA memory, printed a
# Python traceback or an NCCL timeout; a disk nearly full; automatic restarts. Alerts can be
# pushed to a webhook with curl or wget. Needs POSIX sh and awk, tmux, date, wc, tail, df, mv;
# uses nvidia-smi, curl or wget when present.
#
# Everything read from manifests, logs and file names is data: never evaluated, and it reaches a
# shell only single-quoted (the restart's launch script). Values travel to awk through ENVIRON
# or files, never through -v (which would interpret backslashes).
#
#   watchdog.sh run [TICKS]   the loop; with TICKS it stops after that many intervals
#   watchdog.sh scan [FINAL [BYTES]]  scans a log on stdin, prints what it finds (tests)
#   watchdog.sh version
WATCHDOG_VERSION=dev

umask 077
LC_ALL=C
export LC_ALL
PATH="${PATH:-/usr/bin:/bin}:/usr/local/bin:/usr/bin:/bin:/usr/local/nvidia/bin"
WD="$HOME/.trainyard/watchdog"
RUNS="$HOME/.trainyard/runs"
ST="$WD/state"
T="$WD/tmp"
CONF="$WD/config"
LOGFILE="$WD/watchdog.log"
US=$(printf '\037')
NL='
'
MARKER='# --- trainyard: run-independent part below ---'

# ---------------------------------------------------------------------------------------------
# awk: a small JSON reader (J[path] = value, K[path] = s|d|b|n) and writer.

AWK_JSON='
function jws() { while (ji <= jn && index(" \t\r\n", substr(js, ji, 1)) > 0) ji++ }
function jparse(text) {
  js = text; jn = length(js); ji = 1; jerr = 0
  split("", J); split("", K); split("", KEYS); split("", NK); split("", OVR)
  jvalue(""); jws(); return !jerr && ji > jn
}
function jchild(path, key) { return path == "" ? key : path SUBSEP key }
function jvalue(path,   c, rest) {
  jws(); c = substr(js, ji, 1)
  if (c == "{") return jobject(path)
  if (c == "[") return jarray(path)
  if (c == "\"") { J[path] = jstring(); K[path] = "s"; return }
  rest = substr(js, ji, 40)
  if (match(rest, /^(true|false|null|-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)/)) {
    J[path] = substr(rest, 1, RLENGTH); ji += RLENGTH
    K[path] = J[path] == "null" ? "n" : J[path] ~ /^[tf]/ ? "b" : "d"
    return
  }
  jerr = 1; ji = jn + 1
}
function jobject(path,   key, c, child) {
  ji++; jws(); K[path] = "o"
  if (substr(js, ji, 1) == "}") { ji++; return }
  while (!jerr) {
    jws(); if (substr(js, ji, 1) != "\"") { jerr = 1; return }
    key = jstring(); jws()
    if (substr(js, ji, 1) != ":") { jerr = 1; return }
    ji++; child = jchild(path, key)
    if (!(child in K)) KEYS[path, ++NK[path]] = key
    jvalue(child); jws()
    c = substr(js, ji, 1); ji++
    if (c == "}") return
    if (c != ",") { jerr = 1; return }
  }
}
function jarray(path,   c) {
  ji++; jws(); K[path] = "a"; NK[path] = 0
  if (substr(js, ji, 1) == "]") { ji++; return }
  while (!jerr) {
    jvalue(path SUBSEP NK[path]++); jws()
    c = substr(js, ji, 1); ji++
    if (c == "]") return
    if (c != ",") { jerr = 1; return }
  }
}
function jhex(h,   i, v) { v = 0; h = tolower(h); for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1; return v }
function jutf8(c) {
  if (c < 128) return c == 0 ? "" : sprintf("%c", c)
  if (c < 2048) return sprintf("%c%c", 192 + int(c / 64), 128 + c % 64)
  if (c < 65536) return sprintf("%c%c%c", 224 + int(c / 4096), 128 + int(c / 64) % 64, 128 + c % 64)
  return sprintf("%c%c%c%c", 240 + int(c / 262144), 128 + int(c / 4096) % 64, 128 + int(c / 64) % 64, 128 + c % 64)
}
function jstring(   out, rest, p, e, c, lo) {
  ji++; out = ""
  while (ji <= jn) {
    rest = substr(js, ji)
    p = match(rest, /["\\]/)
    if (!p) { jerr = 1; ji = jn + 1; return out }
    out = out substr(rest, 1, p - 1); ji += p
    if (substr(rest, p, 1) == "\"") return out
    e = substr(js, ji, 1); ji++
    if (e == "n") out = out "\n"; else if (e == "t") out = out "\t"; else if (e == "r") out = out "\r"
    else if (e == "b") out = out "\b"; else if (e == "f") out = out "\f"
    else if (e == "u") {
      c = jhex(substr(js, ji, 4)); ji += 4
      if (c >= 55296 && c < 56320 && substr(js, ji, 2) == "\\u") { lo = jhex(substr(js, ji + 2, 4)); if (lo >= 56320 && lo < 57344) { c = 65536 + (c - 55296) * 1024 + (lo - 56320); ji += 6 } }
      out = out jutf8(c)
    } else out = out e
  }
  jerr = 1; return out
}
# the parsed document as one line of JSON, keys in their order, with OVR[key] (raw JSON) replacing
# or adding top-level values
function jser(path,   i, n, out, c) {
  if (path in OVR) return OVR[path]
  out = ""; n = NK[path] + 0
  if (K[path] == "o") {
    for (i = 1; i <= n; i++) { c = jchild(path, KEYS[path, i]); out = out (i > 1 ? "," : "") jenc(KEYS[path, i]) ":" jser(c) }
    return "{" out "}"
  }
  if (K[path] == "a") { for (i = 0; i < n; i++) out = out (i ? "," : "") jser(path SUBSEP i); return "[" out "]" }
  return K[path] == "s" ? jenc(J[path]) : J[path]
}
function jset(key, raw) { if (!(key in K)) { KEYS["", ++NK[""]] = key; K[key] = "x" } OVR[key] = raw }
function jenc(s,   out, i, c) {
  gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s)
  if (s !~ /[\001-\037]/) return "\"" s "\""
  out = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "\n") out = out "\\n"; else if (c == "\t") out = out "\\t"; else if (c == "\r") out = out "\\r"
    else if (c < " ") out = out sprintf("\\u%04x", index(CTL, c)); else out = out c
  }
  return "\"" out "\""
}
function jstr_or_null(s) { return s == "" ? "null" : jenc(s) }
function clean(s) { gsub(/[\001-\037\177]/, " ", s); return s }
function str(p) { return K[p] == "s" ? clean(J[p]) : "" }
function jinit(   i) { CTL = ""; for (i = 1; i < 32; i++) CTL = CTL sprintf("%c", i) }
'

# Manifest -> one value per line, in the order read_manifest reads them (control characters
# become spaces: a path with a newline in it is not a path this watchdog can follow). The last
# line is the base of a restart's session name, as defaultSessionName() makes it.
AWK_MANIFEST='
{ text = text $0 "\n" }
END {
  jinit()
  if (!jparse(text) || K[""] != "o") { print "error"; exit }
  print "ok"
  print str("project"); print str("log"); print str("remoteDir")
  g = str("gpus"); gsub(/ /, "", g); print g
  print str("checkpoints"); print str("resume")
  print (J["autoRestart" SUBSEP "enabled"] == "true" ? "true" : "false")
  print (K["autoRestart" SUBSEP "max"] == "d" ? int(J["autoRestart" SUBSEP "max"]) : 3)
  print (K["autoRestart" SUBSEP "backoffSeconds"] == "d" ? int(J["autoRestart" SUBSEP "backoffSeconds"]) : 60)
  print (K["restartCount"] == "d" ? int(J["restartCount"]) : 0)
  print str("parent"); print str("startedAt")
  b = K["project"] == "s" ? J["project"] : ""
  gsub(/[^A-Za-z0-9_-]+/, "-", b); sub(/^[-_]+/, "", b); sub(/[-_]+$/, "", b); b = substr(b, 1, 24)
  print (b == "" ? "run" : b)
}'

# Log scanner: reads the new bytes of a log (stdin), at most `limit` bytes, and prints
# "consumed N" (bytes of complete lines read) plus "KIND detail" for the first oom, diverged,
# nccl-timeout and traceback it meets and "error LINE" for the last exception line.
# A traceback whose exception line has not been written yet is left for the next scan.
AWK_SCAN='
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
}'

# Restart: reads the parent manifest and the parent launch script; writes the child's launch
# script (new header, the parent's run-independent part) and manifest. Prints "ok LOG" or
# "error WHY".
AWK_RESTART='
function sq(s) { if (s != "" && s ~ /^[A-Za-z0-9_@%+=:,.\/-]+$/) return s; gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
function replace_all(s, a, b,   out, i) { if (a == "") return s; out = ""; while ((i = index(s, a)) > 0) { out = out substr(s, 1, i - 1) b; s = substr(s, i + length(a)) } return out s }
FNR == 1 { file++ }
file == 1 { text = text $0 "\n"; next }
file == 2 { if (!body_on && $0 == ENVIRON["TY_MARKER"]) body_on = 1; if (body_on) body = body $0 "\n"; next }
END {
  jinit()
  if (!jparse(text) || K[""] != "o") { print "error the manifest is not valid JSON"; exit }
  if (!body_on) { print "error the launch script has no \"" ENVIRON["TY_MARKER"] "\" line (see src/remote/layout.ts)"; exit }
  old = ENVIRON["TY_OLD"]; new = ENVIRON["TY_NEW"]; ckpt = ENVIRON["TY_CKPT"]
  log_path = replace_all(J["log"], old, new)
  cmd = J["command"]; resumed = ""
  tmpl = K["resume"] == "s" ? J["resume"] : ""
  if (ckpt != "" && tmpl ~ /[^ \t\r\n]/) { cmd = cmd " " replace_all(tmpl, "{checkpoint}", sq(ckpt)); resumed = ckpt }
  s = ENVIRON["TY_SCRIPT_OUT"]
  printf "#!/usr/bin/env bash\n# trainyard run %s: automatic restart of %s by the watchdog (see src/remote/layout.ts)\n", clean(new), clean(old) > s
  printf "ty_session=%s\nty_log=%s\nty_exit=%s\nty_command=%s\n%s", sq(new), sq(log_path), sq(ENVIRON["TY_EXIT"]), sq(cmd), body > s
  close(s)
  jset("session", jenc(new)); jset("log", jenc(log_path)); jset("script", jenc(ENVIRON["TY_SCRIPT"]))
  jset("startedAt", jenc(ENVIRON["TY_ISO"])); jset("parent", jenc(old)); jset("resumedFrom", jstr_or_null(resumed))
  jset("effectiveCommand", jenc(cmd)); jset("writer", jenc(ENVIRON["TY_WRITER"]))
  jset("restartCount", (K["restartCount"] == "d" ? int(J["restartCount"]) : 0) + 1)
  m = ENVIRON["TY_MANIFEST_OUT"]
  print jser("") > m
  close(m)
  print "ok", clean(log_path)
}'

# Raw event records (US-separated: iso, session, project, kind, level, detail) -> JSON lines.
AWK_EVENTS='
BEGIN { FS = "\037"; jinit(); n = split(ENVIRON["TY_PUSH_KINDS"], pk, /[ ,]+/); for (i = 1; i <= n; i++) PUSH[pk[i]] = 1 }
{
  seq++
  pushed = ENVIRON["TY_PUSHED"] == "1" && ($4 in PUSH || "all" in PUSH) ? "true" : "false"
  printf "{\"time\":\"%s\",\"id\":\"%s-%s-%d\",\"host\":%s,\"session\":%s,\"project\":%s,\"kind\":\"%s\",\"level\":\"%s\",\"detail\":%s,\"pushed\":%s}\n", $1, ENVIRON["TY_EPOCH"], ENVIRON["TY_PID"], ENVIRON["TY_SEQ"] + seq, jenc(ENVIRON["TY_HOST"]), jstr_or_null($2), jstr_or_null($3), $4, $5, jenc($6), pushed
}'

# The alert text pushed for the events of one interval (text, or Slack-style JSON).
AWK_PUSH_BODY='
BEGIN { FS = "\037"; jinit(); n = split(ENVIRON["TY_PUSH_KINDS"], pk, /[ ,]+/); for (i = 1; i <= n; i++) PUSH[pk[i]] = 1 }
($4 in PUSH) || ("all" in PUSH) { text = text (text == "" ? "" : "\n") "[" ENVIRON["TY_HOST"] "] " ($2 == "" ? "" : $2 ": ") $4 ": " $6 }
END { if (text == "") exit; if (ENVIRON["TY_FORMAT"] == "slack") printf "{\"text\":%s}", jenc(text); else printf "%s", text }'

AWK_SUMMARY='
function secs(t,   m) { m = t; sub(/m.*/, "", m); sub(/^[0-9]*m/, "", t); sub(/s$/, "", t); return m * 60 + t }
function num_or_null(v) { return v ~ /^-?[0-9]+$/ ? v + 0 : "null" }
function bool(v) { return v == "1" || v == "true" ? "true" : "false" }
function flush_run(   name, f, n, i, flags) {
  if (run_file == "") return
  name = run_file; sub(/^.*\//, "", name); sub(/\.st$/, "", name)
  if (R["status"] == "" || (R["status"] != "new" && R["status"] != "running" && R["since"] + 0 < epoch - keep)) { split("", R); return }
  n = split(R["flags"], f, " "); flags = ""
  for (i = 1; i <= n; i++) flags = flags (flags == "" ? "" : ",") jenc(f[i])
  runs = runs (runs == "" ? "" : ",\n") sprintf("    {\"session\":%s,\"project\":%s,\"status\":\"%s\",\"since\":%s,\"exitCode\":%s,\"signal\":%s,\"stalled\":%s,\"silent\":%s,\"gpuUtilization\":%s,\"lowUtilizationSince\":%s,\"log\":%s,\"logBytes\":%s,\"logWrittenAt\":%s,\"flags\":[%s],\"lastError\":%s,\"startedAt\":%s,\"parent\":%s,\"restartCount\":%s,\"autoRestart\":{\"enabled\":%s,\"max\":%s,\"state\":%s,\"at\":%s,\"child\":%s}}",
    jenc(name), jstr_or_null(R["m_project"]), R["status"], num_or_null(R["since"]), num_or_null(R["exit"]), num_or_null(R["signal"]), bool(R["stalled"]), bool(R["silent"]),
    num_or_null(R["util"]), (R["low"] + 0 > 0 ? R["low"] + 0 : "null"), jstr_or_null(R["m_log"]), (R["size"] ~ /^[0-9]+$/ ? R["size"] + 0 : "null"), num_or_null(R["grew"]), flags, jstr_or_null(R["err"]),
    jstr_or_null(R["m_started"]), jstr_or_null(R["m_parent"]), R["m_rc"] + 0, bool(R["m_ar"]), R["m_ar_max"] + 0, jstr_or_null(R["restart"]), (R["restart"] == "scheduled" ? R["restart_at"] + 0 : "null"), jstr_or_null(R["child"]))
  split("", R)
}
BEGIN { jinit(); FS = "\037" }
FNR == 1 { flush_run(); run_file = ""; src = FILENAME; sub(/^.*\//, "", src); if (src ~ /\.st$/) { run_file = FILENAME; src = "st" } }
src == "meta" { p = index($0, "="); M[substr($0, 1, p - 1)] = substr($0, p + 1); if (substr($0, 1, p - 1) == "epoch") epoch = substr($0, p + 1) + 0; next }
src == "times" { split($0, tt, " "); cpu += secs(tt[1]) + secs(tt[2]); next }
src == "gpu" {
  split($0, g, /, */); if (g[1] !~ /^[0-9]+$/) next
  gpus = gpus (gpus == "" ? "" : ",") sprintf("{\"index\":%d,\"uuid\":%s,\"utilization\":%s}", g[1], jenc(clean(g[2])), (g[3] ~ /^[0-9]+$/ ? g[3] + 0 : "null")); next
}
src == "disk" { disks = disks (disks == "" ? "" : ",") sprintf("{\"path\":%s,\"usedPercent\":%d,\"availableMiB\":%d,\"full\":%s}", jenc(clean($1)), $2, int($3 / 1024), bool($4)); next }
src == "st" { p = index($0, "="); if (p) R[substr($0, 1, p - 1)] = substr($0, p + 1); next }
END {
  flush_run()
  printf "{\n  \"version\": %s,\n  \"host\": %s,\n  \"pid\": %d,\n  \"time\": \"%s\",\n  \"epoch\": %d,\n  \"interval\": %d,\n  \"ticks\": %d,\n  \"cpuSeconds\": %.3f,\n",
    jenc(M["version"]), jenc(M["host"]), M["pid"], M["iso"], epoch, M["interval"], M["ticks"], cpu
  printf "  \"config\": {\"stallSeconds\": %d, \"silentSeconds\": %d, \"gpuIdlePercent\": %d, \"diskFullPercent\": %d, \"diskMinFreeMiB\": %d, \"webhook\": %s},\n",
    M["stall"], M["silent"], M["idle"], M["disk_pct"], M["disk_mb"], bool(M["webhook"])
  printf "  \"gpus\": [%s],\n  \"gpuError\": %s,\n  \"disks\": [%s],\n  \"runs\": [\n%s\n  ]\n}\n", gpus, jstr_or_null(clean(M["gpu_err"])), disks, runs
}'

# ---------------------------------------------------------------------------------------------
# Small helpers (no forks)

say() { printf '%s %s\n' "${iso:-?}" "$*" >> "$LOGFILE"; }

# decimal VALUE -> R without leading zeros (sh arithmetic reads 010 as octal)
dec() { R=$1; while :; do case $R in 0[0-9]*) R=${R#0} ;; *) break ;; esac; done; }
is_uint() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }

# VALUE MULTIPLIER -> R = round-down(VALUE * MULTIPLIER) seconds; VALUE may have a fraction
to_secs() {
  case $1 in '' | . | *[!0-9.]* | *.*.*) return 1 ;; esac
  ts_i=${1%%.*} ts_f=000
  case $1 in *.*) ts_f=${1#*.}000 ;; esac
  ts_f=${ts_f%"${ts_f#???}"}
  dec "${ts_i:-0}"; ts_i=$R
  dec "$ts_f"; ts_f=$R
  R=$(((ts_i * 1000 + ts_f) * $2 / 1000))
}

# seconds -> R = "45 s" | "12 min" | "2 h 5 min"
dur() {
  if [ "$1" -lt 120 ]; then R="$1 s"
  elif [ "$1" -lt 7200 ]; then R="$(($1 / 60)) min"
  else R="$(($1 / 3600)) h $(($1 % 3600 / 60)) min"; fi
}

signame() {
  case $1 in 1) R=SIGHUP ;; 2) R=SIGINT ;; 6) R=SIGABRT ;; 9) R=SIGKILL ;; 11) R=SIGSEGV ;; 13) R=SIGPIPE ;; 15) R=SIGTERM ;; *) R="signal $1" ;; esac
}

level_of() {
  case $1 in
    crashed | lost | oom | nccl-timeout | restart-failed) R=error ;;
    stalled | silent | diverged | traceback | disk-full | restart-limit | restart-cancelled | restarted) R=warn ;;
    *) R=info ;;
  esac
}

# ev SESSION PROJECT KIND DETAIL: one raw event record for this interval
ev() {
  ev_d=$4
  case $ev_d in *[[:cntrl:]]*) ev_d=$(printf '%s' "$ev_d" | tr '\000-\037\177' ' ') ;; esac
  level_of "$3"
  printf '%s\037%s\037%s\037%s\037%s\037%s\n' "$iso" "$1" "$2" "$3" "$R" "$ev_d" >> "$T/ev.raw"
}
run_ev() { [ "$s_historic" = 1 ] || ev "$name" "$m_project" "$1" "$2"; }

now_time() {
  set -- $(date -u '+%s %Y-%m-%dT%H:%M:%SZ')
  now=$1 iso=$2
}

# ---------------------------------------------------------------------------------------------
# Configuration: key=value lines, read without evaluating anything

load_config() {
  interval=30 stall_s=600 silent_s=900 idle_pct=5 disk_pct=95 disk_mb=5120
  webhook_url='' webhook_format=auto
  push_kinds='crashed lost finished stalled silent diverged oom nccl-timeout traceback disk-full restarted restart-failed restart-limit'
  scan_max=67108864 first_scan=1048576 lost_grace=10
  [ -r "$CONF" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in '' | \#*) continue ;; *=*) ;; *) continue ;; esac
    k=${line%%=*} v=${line#*=}
    case $k in
      interval) to_secs "$v" 1 && [ "$R" -ge 1 ] && interval=$R ;;
      stall_minutes) to_secs "$v" 60 && stall_s=$R ;;
      stall_seconds) to_secs "$v" 1 && stall_s=$R ;;
      silent_minutes) to_secs "$v" 60 && silent_s=$R ;;
      silent_seconds) to_secs "$v" 1 && silent_s=$R ;;
      gpu_idle_percent) is_uint "$v" && dec "$v" && idle_pct=$R ;;
      disk_full_percent) is_uint "$v" && dec "$v" && disk_pct=$R ;;
      disk_min_free_mb) is_uint "$v" && dec "$v" && disk_mb=$R ;;
      lost_grace_seconds) is_uint "$v" && dec "$v" && lost_grace=$R ;;
      webhook_url) webhook_url=$v ;;
      webhook_format) case $v in text | slack | auto) webhook_format=$v ;; esac ;;
      push_kinds) push_kinds=$v ;;
    esac
  done < "$CONF"
  case $webhook_url in
    '') ;;
    *[[:space:][:cntrl:]\"\\]*) say "webhook_url has spaces, quotes or backslashes: alerts are not pushed"; webhook_url='' ;;
    http://* | https://*) ;;
    *) say "webhook_url must start with http:// or https://: alerts are not pushed"; webhook_url='' ;;
  esac
  if [ "$webhook_format" = auto ]; then
    case $webhook_url in https://hooks.slack.com/*) webhook_format=slack ;; *) webhook_format=text ;; esac
  fi
  [ "$lost_grace" -ge $((2 * interval)) ] || lost_grace=$((2 * interval))
}

# ---------------------------------------------------------------------------------------------
# One copy only: a lock directory holding the pid

acquire_lock() {
  lk_tries=0
  while ! mkdir "$WD/lock" 2>/dev/null; do
    lk_pid=''
    [ -r "$WD/lock/pid" ] && IFS= read -r lk_pid < "$WD/lock/pid"
    lk_alive=0
    if is_uint "$lk_pid" && kill -0 "$lk_pid" 2>/dev/null; then
      lk_alive=1
      if [ -r "/proc/$lk_pid/cmdline" ]; then
        case $(tr '\000' ' ' < "/proc/$lk_pid/cmdline") in *watchdog*) ;; *) lk_alive=0 ;; esac
      fi
    elif [ -z "$lk_pid" ] && [ "$lk_tries" -lt 3 ]; then
      lk_alive=1 # just created, pid not written yet
    fi
    lk_tries=$((lk_tries + 1))
    if [ "$lk_alive" = 1 ]; then
      [ "$lk_tries" -ge 10 ] && { echo "trainyard watchdog: another copy runs (pid $lk_pid)" >&2; return 1; }
      sleep 1
    else
      rm -rf "$WD/lock"
    fi
  done
  echo $$ > "$WD/lock/pid"
  have_lock=1
}

on_exit() {
  [ -n "${sleep_pid:-}" ] && kill "$sleep_pid" 2>/dev/null
  if [ "${have_lock:-0}" = 1 ]; then
    lk_pid=''
    [ -r "$WD/lock/pid" ] && IFS= read -r lk_pid < "$WD/lock/pid"
    [ "$lk_pid" = $$ ] && rm -rf "$WD/lock"
  fi
}

# ---------------------------------------------------------------------------------------------
# Per-run state: $ST/<session>.st, key=value lines

reset_state() {
  s_status=new s_since=$now s_exit='' s_signal='' s_off=-1 s_size='' s_grew=$now s_low=0 s_util=''
  s_stalled=0 s_silent=0 s_flags='' s_err='' s_restart='' s_restart_at=0 s_child='' s_historic=0
  s_absent=0 s_scanned=0
  m_ok=0 m_project='' m_log='' m_remote='' m_gpus='' m_ckpt='' m_resume='' m_ar=false m_ar_max=3
  m_backoff=60 m_rc=0 m_parent='' m_started='' m_base=run
}

state_text() {
  R="status=$s_status${NL}since=$s_since${NL}exit=$s_exit${NL}signal=$s_signal${NL}off=$s_off${NL}size=$s_size"
  R="$R${NL}grew=$s_grew${NL}low=$s_low${NL}util=$s_util${NL}stalled=$s_stalled${NL}silent=$s_silent${NL}flags=$s_flags"
  R="$R${NL}err=$s_err${NL}restart=$s_restart${NL}restart_at=$s_restart_at${NL}child=$s_child${NL}historic=$s_historic"
  R="$R${NL}absent=$s_absent${NL}scanned=$s_scanned${NL}m_ok=$m_ok${NL}m_project=$m_project${NL}m_log=$m_log"
  R="$R${NL}m_remote=$m_remote${NL}m_gpus=$m_gpus${NL}m_ckpt=$m_ckpt${NL}m_resume=$m_resume${NL}m_ar=$m_ar"
  R="$R${NL}m_ar_max=$m_ar_max${NL}m_backoff=$m_backoff${NL}m_rc=$m_rc${NL}m_parent=$m_parent${NL}m_started=$m_started"
  R="$R${NL}m_base=$m_base"
}

load_state() {
  reset_state
  [ -f "$sf" ] || { s_loaded=''; return 0; }
  while IFS= read -r l; do
    v=${l#*=}
    case ${l%%=*} in
      status) s_status=$v ;; since) s_since=$v ;; exit) s_exit=$v ;; signal) s_signal=$v ;;
      off) s_off=$v ;; size) s_size=$v ;; grew) s_grew=$v ;; low) s_low=$v ;; util) s_util=$v ;;
      stalled) s_stalled=$v ;; silent) s_silent=$v ;; flags) s_flags=$v ;; err) s_err=$v ;;
      restart) s_restart=$v ;; restart_at) s_restart_at=$v ;; child) s_child=$v ;;
      historic) s_historic=$v ;; absent) s_absent=$v ;; scanned) s_scanned=$v ;;
      m_ok) m_ok=$v ;; m_project) m_project=$v ;; m_log) m_log=$v ;; m_remote) m_remote=$v ;;
      m_gpus) m_gpus=$v ;; m_ckpt) m_ckpt=$v ;; m_resume) m_resume=$v ;; m_ar) m_ar=$v ;;
      m_ar_max) m_ar_max=$v ;; m_backoff) m_backoff=$v ;; m_rc) m_rc=$v ;; m_parent) m_parent=$v ;;
      m_started) m_started=$v ;; m_base) m_base=$v ;;
    esac
  done < "$sf"
  state_text
  s_loaded=$R
}

save_state() {
  state_text
  [ "$R" = "$s_loaded" ] && return 0
  printf '%s\n' "$R" > "$sf.tmp" && mv -f "$sf.tmp" "$sf"
}

read_manifest() {
  awk "$AWK_JSON$AWK_MANIFEST" "$mf" > "$T/manifest" 2>/dev/null || return 1
  {
    IFS= read -r ok
    IFS= read -r m_project; IFS= read -r m_log; IFS= read -r m_remote; IFS= read -r m_gpus
    IFS= read -r m_ckpt; IFS= read -r m_resume; IFS= read -r m_ar; IFS= read -r m_ar_max
    IFS= read -r m_backoff; IFS= read -r m_rc; IFS= read -r m_parent; IFS= read -r m_started
    IFS= read -r m_base
  } < "$T/manifest"
  [ "$ok" = ok ] || return 1
  case $m_log in '' | /*) ;; "~/"*) m_log="$HOME/${m_log#??}" ;; *) m_log="$m_remote/$m_log" ;; esac
  m_ok=1
}

# ---------------------------------------------------------------------------------------------
# What this interval sees: tmux sessions, GPUs (each asked at most once per interval)

tmux_list() {
  [ "$tmux_state" = unknown ] || return 0
  if tmux -u list-sessions -F "#{session_name}$US#{pane_dead}$US#{pane_dead_status}$US#{pane_dead_signal}" > "$T/tmux" 2> "$T/tmux.err"; then
    tmux_state=ok
  else
    tl_err=''
    IFS= read -r tl_err < "$T/tmux.err"
    case $tl_err in
      *"no server running"* | *"error connecting"* | *"no sessions"*) tmux_state=ok; : > "$T/tmux" ;;
      *) tmux_state=failed; say "tmux list-sessions failed: $tl_err" ;;
    esac
  fi
}

# sets t_found t_dead t_status t_signal for $name
tmux_lookup() {
  t_found=0 t_dead=0 t_status='' t_signal=''
  tmux_list
  [ "$tmux_state" = ok ] || return 1
  tl_name=$name
  case $tl_name in *\\*) tl_name=$(printf '%s' "$tl_name" | sed 's/\\/\\\\/g') ;; esac # tmux escapes \ in -F output
  while IFS= read -r tl; do
    case $tl in "$tl_name$US"*) ;; *) continue ;; esac
    tl=${tl#"$tl_name$US"}
    t_dead=${tl%%"$US"*}; tl=${tl#*"$US"}
    t_status=${tl%%"$US"*}; t_signal=${tl#*"$US"}
    t_found=1
    return 0
  done < "$T/tmux"
  return 0
}

gpu_query() {
  [ "$gpu_state" = unknown ] || return 0
  gpu_err=''
  if ! command -v nvidia-smi > /dev/null 2>&1; then gpu_state=none; gpu_err='nvidia-smi not found'; return 0; fi
  if $TIMEOUT nvidia-smi --query-gpu=index,uuid,utilization.gpu --format=csv,noheader,nounits > "$T/gpu" 2>&1; then
    gpu_state=ok
  else
    gpu_state=failed
    IFS= read -r gpu_err < "$T/gpu"
    : > "$T/gpu"
  fi
}

# ---------------------------------------------------------------------------------------------
# One run

classify() {
  c_status='' c_exit='' c_signal=''
  if [ -f "$RUNS/$name.exit" ]; then
    IFS=' 	' read -r c_exit < "$RUNS/$name.exit"
    is_uint "$c_exit" || c_exit=''
  fi
  stopped=0
  [ -e "$RUNS/$name.stopped" ] && stopped=1
  if [ -z "$c_exit" ]; then
    tmux_lookup || { c_status=unknown; return 0; }
    if [ "$t_found" = 1 ] && [ "$t_dead" != 1 ]; then c_status=running; return 0; fi
    if [ "$t_found" = 1 ]; then
      if is_uint "$t_signal" && [ "$t_signal" != 0 ]; then c_signal=$t_signal; else c_exit=$t_status; is_uint "$c_exit" || c_exit=''; fi
    fi
  fi
  if [ -z "$c_exit" ] && [ -z "$c_signal" ]; then
    if [ "$stopped" = 1 ]; then c_status=stopped; else c_status=absent; fi
  elif [ "$stopped" = 1 ]; then c_status=stopped
  elif [ "$c_exit" = 0 ]; then c_status=finished
  else c_status=crashed
  fi
}

set_status() {
  s_status=$1 s_since=$now s_stalled=0 s_silent=0 s_low=0
}

# log_size PATH -> R = its size, or empty when it does not exist. One `wc -c` per interval
# measures every log the previous interval looked at; only a new run's log costs a fork of its own.
log_size() {
  ls_path=$1
  if [ "$sizes_state" = unknown ]; then
    sizes_state=ok
    set --
    while IFS= read -r ls_p; do [ -n "$ls_p" ] && set -- "$@" "$ls_p"; done < "$T/logs.$(((tick_no + 1) % 2))"
    : > "$T/sizes"
    [ $# -gt 0 ] && wc -c -- "$@" > "$T/sizes" 2> /dev/null
  fi
  printf '%s\n' "$ls_path" >> "$T/logs.$((tick_no % 2))"
  while IFS= read -r ls_l; do
    ls_l=${ls_l#"${ls_l%%[! ]*}"}
    [ "${ls_l#* }" = "$ls_path" ] && { R=${ls_l%% *}; return 0; }
  done < "$T/sizes"
  R=''
  while IFS= read -r ls_p; do [ "$ls_p" = "$ls_path" ] && return 0; done < "$T/logs.$(((tick_no + 1) % 2))" # measured: missing
  R=$(wc -c < "$ls_path" 2> /dev/null)
  R=${R##*[!0-9]}
}

# scan_log FINAL: reads the bytes appended to the log since the last scan
scan_log() {
  grew=0
  [ -n "$m_log" ] || { [ "$1" = 1 ] && s_scanned=1; return 0; }
  log_size "$m_log"
  sl_size=$R
  if [ -z "$sl_size" ]; then
    [ "$1" = 1 ] && s_scanned=1
    return 0
  fi
  if [ "$sl_size" != "$s_size" ]; then s_size=$sl_size s_grew=$now grew=1; fi
  sl_skip=0
  if [ "$s_off" = -1 ]; then
    s_off=0
    # a first look reads the last MiB: the log may have been there long before this run
    if [ "$sl_size" -gt "$first_scan" ]; then s_off=$((sl_size - first_scan)) sl_skip=1; fi
  fi
  [ "$sl_size" -lt "$s_off" ] && s_off=0 # truncated or replaced
  if [ "$sl_size" -gt "$s_off" ]; then
    if [ $((sl_size - s_off)) -gt "$scan_max" ]; then s_off=$((sl_size - scan_max)) sl_skip=1; fi
    tail -c +$((s_off + 1)) -- "$m_log" 2> /dev/null |
      awk -v limit=$((sl_size - s_off)) -v skipfirst=$sl_skip -v final="$1" "$AWK_SCAN" > "$T/scan" 2> /dev/null
    while IFS=' ' read -r k v; do
      case $k in
        consumed) is_uint "$v" && s_off=$((s_off + v)) ;;
        error) s_err=$v ;;
        oom | diverged | nccl-timeout | traceback)
          case " $s_flags " in *" $k "*) ;; *) s_flags="${s_flags:+$s_flags }$k"; run_ev "$k" "$v" ;; esac ;;
      esac
    done < "$T/scan"
  fi
  [ "$1" = 1 ] && s_scanned=1
  return 0
}

check_health() {
  if [ -n "$m_log" ]; then
    if [ "$grew" = 1 ]; then
      [ "$s_silent" = 1 ] && { s_silent=0; run_ev recovered "the log is written again"; }
    elif [ "$s_silent" = 0 ] && [ $((now - s_grew)) -ge "$silent_s" ]; then
      s_silent=1; dur $((now - s_grew)); run_ev silent "log not written for $R"
    fi
  fi
  gpu_query
  s_util=''
  [ "$gpu_state" = ok ] || return 0
  ch_util=-1
  while IFS=', ' read -r gi gu gp; do
    if [ -n "$m_gpus" ]; then case ",$m_gpus," in *",$gi,"* | *",$gu,"*) ;; *) continue ;; esac; fi
    is_uint "$gp" || continue
    [ "$gp" -gt "$ch_util" ] && ch_util=$gp
  done < "$T/gpu"
  [ "$ch_util" -ge 0 ] || return 0
  s_util=$ch_util
  if [ "$ch_util" -lt "$idle_pct" ]; then
    [ "$s_low" = 0 ] && s_low=$now
    if [ "$s_stalled" = 0 ] && [ $((now - s_low)) -ge "$stall_s" ]; then
      s_stalled=1; dur $((now - s_low)); run_ev stalled "GPU utilisation ${ch_util}% (under ${idle_pct}%) for $R while the session runs"
    fi
  else
    s_low=0
    [ "$s_stalled" = 1 ] && { s_stalled=0; run_ev recovered "GPU busy again (${ch_util}%)"; }
  fi
}

ended_detail() {
  if [ -n "$c_signal" ]; then signame "$c_signal"; R="killed by $R"
  elif [ "$c_exit" -gt 128 ] && [ "$c_exit" -lt 160 ]; then signame $((c_exit - 128)); R="exit code $c_exit ($R)"
  else R="exit code $c_exit"; fi
  [ -n "$s_err" ] && [ "$c_status" = crashed ] && R="$R: $s_err"
}

schedule_restart() {
  [ "$m_ar" = true ] && [ "$s_historic" != 1 ] || { s_restart=off; return 0; }
  if [ "$m_rc" -ge "$m_ar_max" ]; then
    s_restart=limit; run_ev restart-limit "not restarting: $m_rc of $m_ar_max automatic restarts used"; return 0
  fi
  sr_delay=$m_backoff sr_i=0
  while [ "$sr_i" -lt "$m_rc" ] && [ "$sr_delay" -lt 3600 ]; do sr_delay=$((sr_delay * 2)) sr_i=$((sr_i + 1)); done
  [ "$sr_delay" -gt 3600 ] && sr_delay=3600
  s_restart=scheduled s_restart_at=$((now + sr_delay))
  dur "$sr_delay"; run_ev restart-scheduled "restart $((m_rc + 1)) of $m_ar_max in $R"
}

# newest checkpoint by the glob, relative to remoteDir (src/remote/restart.ts): highest step
# number (the last integer in the base name; none or beyond 2^53 ranks lowest), then newest
# mtime, then the greater path -> R (as the glob matched it), or empty
find_checkpoint() {
  R=''
  [ -n "$m_ckpt" ] && cd "$m_remote" 2> /dev/null || return 0
  fc_best='' fc_best_n=-1 fc_ifs=$IFS
  IFS=''
  for fc in $m_ckpt; do
    [ -e "$fc" ] || continue
    fc_b=${fc%"${fc##*[!/]}"}; fc_b=${fc_b##*/}
    fc_n=${fc_b%"${fc_b##*[0-9]}"}; fc_n=${fc_n##*[!0-9]}
    if [ -n "$fc_n" ]; then dec "$fc_n"; fc_n=$R; fi
    if [ -z "$fc_n" ] || [ ${#fc_n} -gt 16 ] || [ "$fc_n" -gt 9007199254740991 ]; then fc_n=-1; fi
    # glob order is ascending, so on equal step and mtime the later (greater) path wins
    if [ "$fc_n" -gt "$fc_best_n" ] || { [ "$fc_n" -eq "$fc_best_n" ] && ! [ "$fc_best" -nt "$fc" ]; }; then
      fc_best=$fc fc_best_n=$fc_n
    fi
  done
  IFS=$fc_ifs
  cd "$HOME" || :
  R=$fc_best
}

# a run restarted from $name already (by the cockpit, or before this watchdog restarted) -> R
find_child() {
  R=''
  for fcf in "$ST"/*.st; do
    [ -f "$fcf" ] || continue
    while IFS= read -r l; do
      case $l in "m_parent=$name") R=${fcf##*/}; R=${R%.st}; return 0 ;; esac
    done < "$fcf"
  done
  case $name in *[\\\"]*) return 1 ;; esac # JSON would escape it: the state files above must do
  fcf=$(grep -l -F -e "\"parent\":\"$name\"" -- "$RUNS"/*.json 2> /dev/null | head -n 1)
  [ -n "$fcf" ] || return 1
  R=${fcf##*/}; R=${R%.json}
}

do_restart() {
  if [ -e "$RUNS/$name.stopped" ]; then s_restart=cancelled; run_ev restart-cancelled "the run was stopped"; return 0; fi
  if find_child; then s_restart=done s_child=$R; return 0; fi
  find_checkpoint; dr_ckpt=$R
  dr_i=0
  while :; do # defaultSessionName(): the project base, then 4 hex digits
    dr_id=$(od -An -N2 -tx1 /dev/urandom 2> /dev/null | tr -d ' \n')
    dr_i=$((dr_i + 1))
    [ -n "$dr_id" ] && [ "$dr_i" -lt 20 ] || dr_id=$now$dr_i
    dr_new="$m_base-$dr_id"
    [ -e "$RUNS/$dr_new.json" ] || tmux has-session -t "=$dr_new" 2> /dev/null || break
  done
  dr_fail=''
  if [ ! -r "$RUNS/$name.sh" ]; then
    dr_fail="the launch script $name.sh is missing"
  else
    TY_MARKER=$MARKER TY_OLD=$name TY_NEW=$dr_new TY_CKPT=$dr_ckpt TY_ISO=$iso TY_EXIT="$RUNS/$dr_new.exit" \
      TY_SCRIPT="$RUNS/$dr_new.sh" TY_WRITER="trainyard-watchdog $WATCHDOG_VERSION" \
      TY_SCRIPT_OUT="$RUNS/$dr_new.sh.tmp" TY_MANIFEST_OUT="$RUNS/$dr_new.json.tmp" \
      awk "$AWK_JSON$AWK_RESTART" "$mf" "$RUNS/$name.sh" > "$T/restart" 2>&1
    IFS=' ' read -r dr_ok dr_log < "$T/restart"
    [ "$dr_ok" = ok ] || dr_fail=${dr_log:-awk failed}
  fi
  if [ -z "$dr_fail" ]; then
    dr_off=0
    [ -f "$dr_log" ] && { dr_off=$(wc -c < "$dr_log"); dr_off=${dr_off##*[!0-9]}; }
    rm -f "$RUNS/$dr_new.exit" "$RUNS/$dr_new.stopped"
    mv -f "$RUNS/$dr_new.sh.tmp" "$RUNS/$dr_new.sh"
    # the new run is ours from the start; a shared log is read from where it stands now
    printf 'status=new\nsince=%s\noff=%s\nhistoric=0\n' "$now" "${dr_off:-0}" > "$ST/$dr_new.st"
    mv -f "$RUNS/$dr_new.json.tmp" "$RUNS/$dr_new.json"
    if ! tmux new-session -d -s "$dr_new" -- bash "$RUNS/$dr_new.sh" \; set-option -t "=$dr_new:" remain-on-exit on > "$T/restart" 2>&1; then
      IFS= read -r dr_fail < "$T/restart"
      dr_fail="tmux: $dr_fail"
      rm -f "$RUNS/$dr_new.json" "$RUNS/$dr_new.sh" "$ST/$dr_new.st"
    fi
  fi
  rm -f "$RUNS/$dr_new.sh.tmp" "$RUNS/$dr_new.json.tmp"
  if [ -n "$dr_fail" ]; then
    s_restart=failed; run_ev restart-failed "could not restart: $dr_fail"; return 0
  fi
  s_restart=done s_child=$dr_new
  if [ -z "$m_resume" ]; then dr_from="from the start (the project has no resume template)"
  elif [ -z "$dr_ckpt" ]; then dr_from="from the start (no checkpoint yet)"
  else dr_from="from $dr_ckpt"; fi
  run_ev restarted "restarted as $dr_new $dr_from ($((m_rc + 1)) of $m_ar_max)"
}

watch_run() {
  sf="$ST/$name.st"
  load_state
  # runs older than the watchdog's first start are history: no events for how they ended
  if [ ! -f "$sf" ] && [ "$ST/.epoch" -nt "$mf" ]; then s_historic=1; fi
  if [ "$m_ok" != 1 ] || [ "$mf" -nt "$sf" ]; then read_manifest || return 0; fi
  case $s_status in
    finished | stopped | lost) [ "$s_scanned" = 1 ] && { save_state; return 0; } ;;
    crashed) [ "$s_scanned" = 1 ] && [ "$s_restart" != scheduled ] && { save_state; return 0; } ;;
  esac
  classify
  case $c_status in
    running)
      s_absent=0
      if [ "$s_status" != running ]; then
        set_status running
        s_historic=0
        if [ -n "$m_parent" ]; then run_ev running "running (automatic restart $m_rc of $m_ar_max, after $m_parent)"; else run_ev running "running"; fi
      fi
      live_dirs="$live_dirs$m_remote$NL"
      scan_log 0
      check_health
      ;;
    finished | crashed | stopped)
      if [ "$s_status" != "$c_status" ]; then
        scan_log 1
        s_exit=$c_exit s_signal=$c_signal s_util=''
        set_status "$c_status"
        case $c_status in
          stopped) run_ev stopped "stopped by the user" ;;
          finished) ended_detail; run_ev finished "$R" ;;
          crashed) ended_detail; run_ev crashed "$R"; schedule_restart ;;
        esac
      fi
      [ "$s_scanned" = 1 ] || scan_log 1
      ;;
    absent)
      [ "$s_absent" = 0 ] && s_absent=$now
      if [ $((now - s_absent)) -ge "$lost_grace" ]; then
        scan_log 1
        set_status lost
        run_ev lost "the tmux session is gone and left no exit code (killed, or the host rebooted)"
      fi
      ;;
  esac
  [ "$s_status" = crashed ] && [ "$s_restart" = scheduled ] && [ "$now" -ge "$s_restart_at" ] && do_restart
  save_state
}

# ---------------------------------------------------------------------------------------------
# Host: disks, events, summary

check_disks() {
  set -- "$HOME"
  cd_ifs=$IFS IFS=$NL
  set -f
  for d in $live_dirs; do
    [ -n "$d" ] && set -- "$@" "$d"
  done
  set +f
  IFS=$cd_ifs
  $TIMEOUT df -Pk -- "$@" > "$T/df" 2> /dev/null
  : > "$T/disk"
  cd_seen=$NL cd_full=''
  {
    IFS= read -r hdr
    while read -r fs blocks used avail cap mnt; do
      case $cd_seen in *"$NL$mnt$NL"*) continue ;; esac
      cd_seen="$cd_seen$mnt$NL"
      pct=${cap%\%}
      is_uint "$pct" && is_uint "$avail" || continue
      full=0
      case $NL$disk_full$NL in *"$NL$mnt$NL"*) was=1 ;; *) was=0 ;; esac
      if [ "$pct" -ge "$disk_pct" ] || [ $((avail / 1024)) -lt "$disk_mb" ]; then
        full=1
      elif [ "$was" = 1 ] && { [ "$pct" -ge $((disk_pct - 1)) ] || [ $((avail / 1024 * 20)) -lt $((disk_mb * 21)) ]; }; then
        full=1 # not clearly better yet
      fi
      if [ "$full" = 1 ] && [ "$was" = 0 ]; then
        ev '' '' disk-full "$mnt: ${pct}% used, $((avail / 1048576)).$((avail % 1048576 * 10 / 1048576)) GiB free"
      elif [ "$full" = 0 ] && [ "$was" = 1 ]; then
        ev '' '' disk-ok "$mnt: ${pct}% used, $((avail / 1048576)).$((avail % 1048576 * 10 / 1048576)) GiB free"
      fi
      [ "$full" = 1 ] && cd_full="$cd_full$mnt$NL"
      printf '%s\037%s\037%s\037%s\n' "$mnt" "$pct" "$avail" "$full" >> "$T/disk"
    done
  } < "$T/df"
  cd_full=${cd_full%"$NL"}
  if [ "$cd_full" != "$disk_full" ]; then
    disk_full=$cd_full
    printf '%s\n' "$disk_full" > "$ST/disks"
  fi
}

push_alert() { # BODYFILE CONTENT-TYPE: the URL goes to curl/wget on stdin, never in argv
  if command -v curl > /dev/null 2>&1; then
    printf 'url = "%s"\n' "$webhook_url" |
      curl -K - -fsS -o /dev/null --connect-timeout 5 --max-time 15 -H "Content-Type: $2" -H "Title: trainyard $HOST" --data-binary @"$1" 2>> "$LOGFILE"
  elif command -v wget > /dev/null 2>&1; then
    printf '%s\n' "$webhook_url" |
      wget -q -O /dev/null -T 15 -t 1 --header="Content-Type: $2" --header="Title: trainyard $HOST" --post-file="$1" -i - 2>> "$LOGFILE"
  else
    say "no curl or wget: alerts are not pushed"
    return 1
  fi
}

flush_events() {
  [ -s "$T/ev.raw" ] || return 0
  fe_pushed=0
  if [ -n "$webhook_url" ]; then
    TY_HOST=$HOST TY_PUSH_KINDS=$push_kinds TY_FORMAT=$webhook_format awk "$AWK_JSON$AWK_PUSH_BODY" "$T/ev.raw" > "$T/push.body"
    if [ -s "$T/push.body" ]; then
      if [ "$webhook_format" = slack ]; then fe_type=application/json; else fe_type='text/plain; charset=utf-8'; fi
      push_alert "$T/push.body" "$fe_type" && fe_pushed=1
    fi
  fi
  TY_HOST=$HOST TY_PUSH_KINDS=$push_kinds TY_PUSHED=$fe_pushed TY_EPOCH=$now TY_PID=$$ TY_SEQ=$seq \
    awk "$AWK_JSON$AWK_EVENTS" "$T/ev.raw" >> "$WD/events.jsonl"
  while IFS= read -r l; do seq=$((seq + 1)); done < "$T/ev.raw"
  : > "$T/ev.raw"
  fe_size=$(wc -c < "$WD/events.jsonl")
  [ "${fe_size##*[!0-9]}" -gt 4194304 ] && mv -f "$WD/events.jsonl" "$WD/events.1.jsonl"
}

write_summary() {
  times > "$T/times"
  printf 'version=%s\nhost=%s\npid=%s\niso=%s\nepoch=%s\ninterval=%s\nticks=%s\nstall=%s\nsilent=%s\nidle=%s\ndisk_pct=%s\ndisk_mb=%s\nwebhook=%s\ngpu_err=%s\n' \
    "$WATCHDOG_VERSION" "$HOST" $$ "$iso" "$now" "$interval" $((tick_no + 1)) "$stall_s" "$silent_s" "$idle_pct" "$disk_pct" "$disk_mb" \
    "${webhook_url:+1}" "$gpu_err" > "$T/meta"
  set -- "$ST"/*.st
  [ -e "$1" ] || set --
  awk -v keep=172800 "$AWK_JSON$AWK_SUMMARY" "$T/meta" "$T/times" "$T/gpu" "$T/disk" "$@" > "$WD/summary.json.tmp" 2>> "$LOGFILE" &&
    mv -f "$WD/summary.json.tmp" "$WD/summary.json"
}

prune_state() {
  for pf in "$ST"/*.st; do
    [ -f "$pf" ] || continue
    pn=${pf##*/}
    [ -e "$RUNS/${pn%.st}.json" ] || rm -f "$pf"
  done
}

tick() {
  now_time
  tmux_state=unknown gpu_state=unknown sizes_state=unknown gpu_err='' live_dirs=''
  : > "$T/gpu"
  : > "$T/logs.$((tick_no % 2))"
  for mf in "$RUNS"/*.json; do
    [ -f "$mf" ] || continue
    name=${mf##*/}
    name=${name%.json}
    case $name in '' | *[[:cntrl:]]*) continue ;; esac
    watch_run
  done
  check_disks
  [ $((tick_no % 20)) -eq 19 ] && prune_state
  flush_events
  write_summary
}

run_loop() {
  max_ticks=${1:-0}
  is_uint "$max_ticks" || max_ticks=0
  mkdir -p "$RUNS" "$ST" "$T" || exit 1
  [ -e "$ST/.epoch" ] || : > "$ST/.epoch"
  if [ -f "$LOGFILE" ] && [ "$(wc -c < "$LOGFILE")" -gt 262144 ]; then mv -f "$LOGFILE" "$LOGFILE.1"; fi
  acquire_lock || exit 1
  trap on_exit EXIT
  trap 'exit 0' HUP INT TERM
  HOST=$(uname -n 2> /dev/null | tr -d '\000-\037"\\')
  TIMEOUT=''
  command -v timeout > /dev/null 2>&1 && TIMEOUT='timeout 30'
  cd "$HOME" || exit 1
  tick_no=0 seq=0 disk_full=''
  [ -r "$ST/disks" ] && while IFS= read -r l; do [ -n "$l" ] && disk_full="${disk_full:+$disk_full$NL}$l"; done < "$ST/disks"
  now_time
  load_config
  : > "$T/ev.raw"
  : > "$T/logs.1"
  ev '' '' watchdog-started "watchdog $WATCHDOG_VERSION started (every ${interval} s)"
  while :; do
    tick
    tick_no=$((tick_no + 1))
    [ "$max_ticks" -gt 0 ] && [ "$tick_no" -ge "$max_ticks" ] && break
    sleep "$interval" &
    sleep_pid=$!
    wait "$sleep_pid"
    sleep_pid=''
  done
}

case ${1:-} in
  run) run_loop "${2:-0}" ;;
  scan) awk -v limit="${3:-9223372036854775807}" -v skipfirst=0 -v final="${2:-1}" "$AWK_SCAN" ;;
  version) echo "$WATCHDOG_VERSION" ;;
  *) echo "usage: watchdog.sh run [TICKS] | scan [FINAL [BYTES]] | version" >&2; exit 2 ;;
esac
