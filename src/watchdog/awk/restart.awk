# Restart: reads the parent manifest and the parent launch script; writes the child's launch
# script (new header, the parent's run-independent part) and manifest. Prints "ok LOG" or
# "error WHY".
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
  log_path = replace_all(jget("log"), old, new)
  cmd = jget("command"); resumed = ""
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
}
