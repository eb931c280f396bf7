# gawk 5.2.1 corrupts its stack (garbage values, then "malloc_consolidate(): invalid chunk size")
# when an array element that does not exist is passed to a function and named again in the same
# expression: fields of a state file or of meta are read through rget() and mget(), which never create one.
function rget(k) { return (k in R) ? R[k] : "" }
function mget(k) { return (k in M) ? M[k] : "" }
function secs(t,   m) { m = t; sub(/m.*/, "", m); sub(/^[0-9]*m/, "", t); sub(/s$/, "", t); return m * 60 + t }
function num_or_null(v) { return v ~ /^-?[0-9]+$/ ? v + 0 : "null" }
function bool(v) { return v == "1" || v == "true" ? "true" : "false" }
function flush_run(   name, f, n, i, flags) {
  if (run_file == "") return
  name = run_file; sub(/^.*\//, "", name); sub(/\.st$/, "", name)
  if (rget("status") == "" || (rget("status") != "new" && rget("status") != "running" && rget("since") + 0 < epoch - keep)) { split("", R); return }
  n = split(rget("flags"), f, " "); flags = ""
  for (i = 1; i <= n; i++) flags = flags (flags == "" ? "" : ",") jenc(f[i])
  runs = runs (runs == "" ? "" : ",\n") sprintf("    {\"session\":%s,\"project\":%s,\"status\":\"%s\",\"since\":%s,\"exitCode\":%s,\"signal\":%s,\"stalled\":%s,\"silent\":%s,\"gpuUtilization\":%s,\"lowUtilizationSince\":%s,\"log\":%s,\"logBytes\":%s,\"logWrittenAt\":%s,\"flags\":[%s],\"lastError\":%s,\"startedAt\":%s,\"parent\":%s,\"restartCount\":%s,\"autoRestart\":{\"enabled\":%s,\"max\":%s,\"state\":%s,\"at\":%s,\"child\":%s}}",
    jenc(name), jstr_or_null(rget("m_project")), rget("status"), num_or_null(rget("since")), num_or_null(rget("exit")), num_or_null(rget("signal")), bool(rget("stalled")), bool(rget("silent")),
    num_or_null(rget("util")), (rget("low") + 0 > 0 ? rget("low") + 0 : "null"), jstr_or_null(rget("m_log")), (rget("size") ~ /^[0-9]+$/ ? rget("size") + 0 : "null"), num_or_null(rget("grew")), flags, jstr_or_null(redact(rget("err"))),
    jstr_or_null(rget("m_started")), jstr_or_null(rget("m_parent")), rget("m_rc") + 0, bool(rget("m_ar")), rget("m_ar_max") + 0, jstr_or_null(rget("restart")), (rget("restart") == "scheduled" ? rget("restart_at") + 0 : "null"), jstr_or_null(rget("child")))
  split("", R)
}
BEGIN { jinit(); redact_init(); FS = "\037" }
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
    jenc(mget("version")), jenc(mget("host")), mget("pid"), mget("iso"), epoch, mget("interval"), mget("ticks"), cpu
  printf "  \"config\": {\"stallSeconds\": %d, \"silentSeconds\": %d, \"gpuIdlePercent\": %d, \"diskFullPercent\": %d, \"diskMinFreeMiB\": %d, \"webhook\": %s},\n",
    mget("stall"), mget("silent"), mget("idle"), mget("disk_pct"), mget("disk_mb"), bool(mget("webhook"))
  printf "  \"gpus\": [%s],\n  \"gpuError\": %s,\n  \"disks\": [%s],\n  \"runs\": [\n%s\n  ]\n}\n", gpus, jstr_or_null(clean(mget("gpu_err"))), disks, runs
}
