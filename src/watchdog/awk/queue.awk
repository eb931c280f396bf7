# A queue entry (src/sweeps/queueEntry.ts). TY_MODE=read: the entry's manifest.json -> lines "ok",
# session, sweep, project, log (or "error"). TY_MODE=start: manifest.json and run.sh -> the run's
# launch script with ty_gpus=TY_GPUS right below the marker (a restart copies the script from the
# marker on, so it keeps the GPUs) and its manifest with gpus, startedAt, writer and by "queue";
# prints "ok" or "error WHY". TY_MODE=limit: a sweep.json -> "FAILLIMIT SHARE": its failLimit (3
# when it has none) and TY_MACHINE's share of its maxParallel ("-" when it has no cap).
FNR == 1 { file++ }
file == 1 { text = text $0 "\n"; next }
file == 2 {
  print $0 > ENVIRON["TY_SCRIPT_OUT"]
  if (!marked && $0 == ENVIRON["TY_MARKER"]) { marked = 1; printf "ty_gpus=%s\n", sq(ENVIRON["TY_GPUS"]) > ENVIRON["TY_SCRIPT_OUT"] }
  next
}
END {
  jinit()
  if (ENVIRON["TY_MODE"] == "limit") {
    ok = jparse(text)
    lim = ok && K["failLimit"] == "d" && J["failLimit"] + 0 >= 1 ? int(J["failLimit"]) : 3
    # this machine's share of maxParallel: "-" without a cap, 0 for a machine the shares leave out
    share = "-"
    if (ok && K["maxParallelOn"] == "o") {
      at = "maxParallelOn" SUBSEP ENVIRON["TY_MACHINE"]
      share = K[at] == "d" && J[at] + 0 >= 0 ? int(J[at]) : 0
    }
    print lim " " share
    exit
  }
  if (!jparse(text) || K[""] != "o" || K["session"] != "s" || J["session"] == "") { print "error the manifest is not a run manifest"; exit }
  if (ENVIRON["TY_MODE"] == "read") {
    print "ok"; print clean(J["session"]); print str("sweep"); print str("project"); print str("log")
    exit
  }
  if (!marked) { print "error run.sh has no \"" ENVIRON["TY_MARKER"] "\" line (see src/runs/layout.ts)"; exit }
  close(ENVIRON["TY_SCRIPT_OUT"])
  jset("gpus", jenc(ENVIRON["TY_GPUS"])); jset("startedAt", jenc(ENVIRON["TY_ISO"]))
  jset("writer", jenc(ENVIRON["TY_WRITER"])); jset("by", jenc("queue"))
  m = ENVIRON["TY_MANIFEST_OUT"]
  print jser("") > m
  close(m)
  print "ok"
}
