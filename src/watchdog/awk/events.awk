# Raw event records (US-separated: iso, session, project, kind, level, detail) -> JSON lines.
BEGIN { FS = "\037"; jinit(); redact_init(); n = split(ENVIRON["TY_PUSH_KINDS"], pk, /[ ,]+/); for (i = 1; i <= n; i++) PUSH[pk[i]] = 1 }
{
  seq++
  pushed = ENVIRON["TY_PUSHED"] == "1" && ($4 in PUSH || "all" in PUSH) ? "true" : "false"
  printf "{\"time\":\"%s\",\"id\":\"%s-%s-%d\",\"host\":%s,\"session\":%s,\"project\":%s,\"kind\":\"%s\",\"level\":\"%s\",\"detail\":%s,\"pushed\":%s}\n", $1, ENVIRON["TY_EPOCH"], ENVIRON["TY_PID"], ENVIRON["TY_SEQ"] + seq, jenc(ENVIRON["TY_HOST"]), jstr_or_null($2), jstr_or_null($3), $4, $5, jenc(redact($6)), pushed
}
