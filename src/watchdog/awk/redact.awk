# Secrets never leave in an event, a webhook body or the summary: the values of the projects'
# secrets files (~/.trainyard/secrets/*.env, export NAME='value' lines as the launcher writes
# them) are replaced by *** wherever they appear. ENVIRON["TY_SECRET_FILES"] names the files, one
# per line. Values under 4 bytes are left alone: masking them would mask ordinary words.
function redact_init(   files, n, i, line, v) {
  NSECRET = 0
  n = split(ENVIRON["TY_SECRET_FILES"], files, "\n")
  for (i = 1; i <= n; i++) {
    if (files[i] == "") continue
    while ((getline line < files[i]) > 0) {
      if (!sub(/^export [A-Za-z_][A-Za-z0-9_]*=/, "", line)) continue
      v = shell_word(line)
      if (length(v) >= 4) SECRET[++NSECRET] = v
    }
    close(files[i])
  }
}
# one word as sh reads it: \047…\047 literal, \x outside quotes the character x
function shell_word(w,   out, i, n, c, q) {
  out = ""; q = 0; n = length(w)
  for (i = 1; i <= n; i++) {
    c = substr(w, i, 1)
    if (q) { if (c == "\047") q = 0; else out = out c }
    else if (c == "\047") q = 1
    else if (c == "\\" && i < n) { i++; out = out substr(w, i, 1) }
    else out = out c
  }
  return out
}
function redact(s,   k, i, v, out) {
  for (k = 1; k <= NSECRET; k++) {
    v = SECRET[k]; out = ""
    while ((i = index(s, v)) > 0) { out = out substr(s, 1, i - 1) "***"; s = substr(s, i + length(v)) }
    s = out s
  }
  return s
}
