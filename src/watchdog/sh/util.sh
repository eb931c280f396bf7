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
    crashed | lost | oom | nccl-timeout | restart-failed | sweep-failing | queue-failed) R=error ;;
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
