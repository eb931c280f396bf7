# Restart: reads the parent manifest and the parent launch script; writes the child's launch
# script (new header, the parent's run-independent part) and manifest. Prints "ok LOG" or
# "error WHY".
function replace_all(s, a, b,   out, i) { if (a == "") return s; out = ""; while ((i = index(s, a)) > 0) { out = out substr(s, 1, i - 1) b; s = substr(s, i + length(a)) } return out s }
# The resume template as arguments, as src/runs/resumeTemplate.ts makes them (a table test holds
# the two to the same answers): words quoted again, {checkpoint} as "$ty_checkpoint", which the
# new script sets, {run_dir} as "$ty_run_dir" and {name} as "$ty_p_name" (set below the marker). Refused templates return "" with RERR saying why.
function resume_text(t,   i, n, c, w, inw, out, j, d, e) {
  RERR = ""; out = ""; w = ""; inw = 0; n = length(t)
  for (i = 1; i <= n; i++) {
    c = substr(t, i, 1)
    if (c == "\n" || c == "\r") return refuse("a line break")
    if (c == " " || c == "\t") { if (inw) out = out (out == "" ? "" : " ") resume_word(w); w = ""; inw = 0; continue }
    if (!inw && (c == "#" || c == "~")) return refuse("\"" c "\" at the start of a word")
    inw = 1
    if (c == "\047") {
      e = index(substr(t, i + 1), "\047")
      if (!e) return refuse("an unclosed quote")
      w = w substr(t, i + 1, e - 1); i += e
    } else if (c == "\"") {
      for (j = i + 1; j <= n && substr(t, j, 1) != "\""; j++) {
        d = substr(t, j, 1)
        if (d == "$" || d == "`") return refuse("\"" d "\"")
        if (d == "\\" && j < n && index("\"\\$`", substr(t, j + 1, 1))) { j++; w = w substr(t, j, 1) }
        else w = w d
      }
      if (j > n) return refuse("an unclosed quote")
      i = j
    } else if (c == "\\") {
      if (i == n) return refuse("a trailing backslash")
      i++; w = w substr(t, i, 1)
    } else if (index("$`;|&<>()*?[]!", c)) return refuse("\"" c "\"")
    else w = w c
  }
  if (inw) out = out (out == "" ? "" : " ") resume_word(w)
  if (!index(t, "{checkpoint}")) return refuse("a template without {checkpoint}")
  return out
}
function refuse(why) { RERR = why " is not allowed in a resume template (it is split into arguments, never run by a shell)"; return "" }
function resume_word(w,   out, v) {
  if (w == "") return "\047\047"
  out = ""
  while (match(w, /[{][A-Za-z_][A-Za-z0-9_]*[}]/)) {
    if (RSTART > 1) out = out sq(substr(w, 1, RSTART - 1))
    v = substr(w, RSTART + 1, RLENGTH - 2)
    out = out "\"$" (v == "checkpoint" ? "ty_checkpoint" : v == "run_dir" ? "ty_run_dir" : "ty_p_" v) "\""
    w = substr(w, RSTART + RLENGTH)
  }
  return w == "" ? out : out sq(w)
}
FNR == 1 { file++ }
file == 1 { text = text $0 "\n"; next }
file == 2 { if (!body_on && $0 == ENVIRON["TY_MARKER"]) body_on = 1; if (body_on) body = body $0 "\n"; next }
END {
  jinit()
  if (!jparse(text) || K[""] != "o") { print "error the manifest is not valid JSON"; exit }
  if (!body_on) { print "error the launch script has no \"" ENVIRON["TY_MARKER"] "\" line (see src/runs/layout.ts)"; exit }
  if (K["log"] != "s" || J["log"] == "") { print "error the manifest names no log"; exit }
  if (K["command"] != "s" || J["command"] == "") { print "error the manifest names no command"; exit }
  old = ENVIRON["TY_OLD"]; new = ENVIRON["TY_NEW"]; ckpt = ENVIRON["TY_CKPT"]
  log_path = replace_all(jget("log"), old, new)
  cmd = jget("command"); resumed = ""
  tmpl = K["resume"] == "s" ? J["resume"] : ""
  if (ckpt != "" && tmpl ~ /[^ \t\r\n]/) {
    args = resume_text(tmpl)
    if (RERR != "") { print "error the resume template in the manifest cannot be used: " RERR; exit }
    cmd = cmd " " args; resumed = ckpt
  }
  s = ENVIRON["TY_SCRIPT_OUT"]
  printf "#!/usr/bin/env bash\n# trainyard run %s: automatic restart of %s by the watchdog (see src/runs/layout.ts)\n", clean(new), clean(old) > s
  printf "ty_session=%s\nty_log=%s\nty_exit=%s\n", sq(new), sq(log_path), sq(ENVIRON["TY_EXIT"]) > s
  if (resumed != "") printf "ty_checkpoint=%s\n", sq(resumed) > s
  printf "ty_command=%s\n%s", sq(cmd), body > s
  close(s)
  jset("session", jenc(new)); jset("log", jenc(log_path)); jset("script", jenc(ENVIRON["TY_SCRIPT"]))
  jset("startedAt", jenc(ENVIRON["TY_ISO"])); jset("parent", jenc(old)); jset("resumedFrom", jstr_or_null(resumed))
  jset("effectiveCommand", jenc(cmd)); jset("writer", jenc(ENVIRON["TY_WRITER"]))
  jset("restartCount", (K["restartCount"] == "d" ? int(J["restartCount"]) : 0) + 1); jset("restartedBy", jenc("watchdog"))
  m = ENVIRON["TY_MANIFEST_OUT"]
  print jser("") > m
  close(m)
  print "ok", clean(log_path)
}
