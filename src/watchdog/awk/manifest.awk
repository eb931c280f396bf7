# Manifest -> one value per line, in the order read_manifest reads them (control characters
# become spaces: a path with a newline in it is not a path this watchdog can follow). The last
# lines are the base of a restart's session name, as defaultSessionName() makes it, who restarted
# the run (watchdog, user, or empty), the checkpoint it resumed from, the sweep it belongs to, and
# its run directory (remoteDir for manifests from before run directories).
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
  print str("restartedBy"); print str("resumedFrom"); print str("sweep")
  r = str("runDir"); print (r ~ /^\// ? r : str("remoteDir"))
}
