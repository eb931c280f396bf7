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
# Reads a string in windows of 256 bytes into pieces joined once at the end: linear on long
# strings with many escapes (each whole-rest substr or append would copy the string again).
function jstring(   np, P, rest, p, e, c, lo) {
  ji++; np = 0
  while (ji <= jn) {
    rest = substr(js, ji, 256)
    p = match(rest, /["\\]/)
    if (!p) { P[++np] = rest; ji += length(rest); continue }
    P[++np] = substr(rest, 1, p - 1); ji += p
    if (substr(rest, p, 1) == "\"") return jjoin(P, 1, np, "")
    e = substr(js, ji, 1); ji++
    if (e == "n") e = "\n"; else if (e == "t") e = "\t"; else if (e == "r") e = "\r"
    else if (e == "b") e = "\b"; else if (e == "f") e = "\f"
    else if (e == "u") {
      c = jhex(substr(js, ji, 4)); ji += 4
      if (c >= 55296 && c < 56320 && substr(js, ji, 2) == "\\u") { lo = jhex(substr(js, ji + 2, 4)); if (lo >= 56320 && lo < 57344) { c = 65536 + (c - 55296) * 1024 + (lo - 56320); ji += 6 } }
      e = jutf8(c)
    }
    P[++np] = e
  }
  jerr = 1; return np ? jjoin(P, 1, np, "") : ""
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
# JSON text of a string. Split-and-join, not gsub: mawk's gsub(/\\/, "\\\\") leaves a backslash
# single, and a halving join stays near-linear on 100 KB lines where a character loop is quadratic.
# Bytes that are not UTF-8 pass as they are: the reader decodes them as U+FFFD.
function jenc(s,   i) {
  s = jrep(s, "\\", "\\\\"); s = jrep(s, "\"", "\\\"")
  if (s ~ /[\001-\037\177]/ || (CTL0 != "" && index(s, CTL0))) for (i = 0; i < 33; i++) s = jrep(s, CTLC[i], CTLE[i])
  return "\"" s "\""
}
function jrep(s, c, r,   n, parts) {
  if (c == "" || !index(s, c)) return s
  n = split(s, parts, c)
  return jjoin(parts, 1, n, r)
}
function jjoin(parts, lo, hi, r,   mid) {
  if (lo >= hi) return parts[lo]
  mid = int((lo + hi) / 2)
  return jjoin(parts, lo, mid, r) r jjoin(parts, mid + 1, hi, r)
}
# a shell word for s: bare when it is plain, else single-quoted
function sq(s) { if (s != "" && s ~ /^[A-Za-z0-9_@%+=:,.\/-]+$/) return s; gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
function jstr_or_null(s) { return s == "" ? "null" : jenc(s) }
function clean(s) { gsub(/[\001-\037\177]/, " ", s); return s }
function str(p) { return K[p] == "s" ? clean(J[p]) : "" }
# a value that may be absent, without creating it (see summary.awk for why that matters to gawk)
function jget(p) { return (p in J) ? J[p] : "" }
# CTLC[i]: the control characters 0-31 and DEL (as 32), CTLE[i]: their JSON escapes. An awk that
# cannot hold NUL in a string gets "" for it (CTL0), and NUL never reaches jenc there.
function jinit(   i) {
  for (i = 0; i < 32; i++) { CTLC[i] = sprintf("%c", i); CTLE[i] = sprintf("\\u%04x", i) }
  CTLC[32] = sprintf("%c", 127); CTLE[32] = "\\u007f"
  CTLE[8] = "\\b"; CTLE[9] = "\\t"; CTLE[10] = "\\n"; CTLE[12] = "\\f"; CTLE[13] = "\\r"
  CTL0 = CTLC[0]
}
