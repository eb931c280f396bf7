# The alert text pushed for the events of one interval (text, or Slack-style JSON).
BEGIN { FS = "\037"; jinit(); redact_init(); n = split(ENVIRON["TY_PUSH_KINDS"], pk, /[ ,]+/); for (i = 1; i <= n; i++) PUSH[pk[i]] = 1 }
($4 in PUSH) || ("all" in PUSH) { text = text (text == "" ? "" : "\n") "[" ENVIRON["TY_HOST"] "] " ($2 == "" ? "" : $2 ": ") $4 ": " redact($6) }
END { if (text == "") exit; if (ENVIRON["TY_FORMAT"] == "slack") printf "{\"text\":%s}", jenc(text); else printf "%s", text }
