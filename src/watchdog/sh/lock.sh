# ---------------------------------------------------------------------------------------------
# One copy only: a lock directory holding the pid

acquire_lock() {
  lk_tries=0
  while ! mkdir "$WD/lock" 2>/dev/null; do
    lk_pid=''
    [ -r "$WD/lock/pid" ] && IFS= read -r lk_pid < "$WD/lock/pid"
    lk_alive=0
    if is_uint "$lk_pid" && kill -0 "$lk_pid" 2>/dev/null; then
      lk_alive=1
      if [ -r "/proc/$lk_pid/cmdline" ]; then
        case $(tr '\000' ' ' < "/proc/$lk_pid/cmdline") in *watchdog*) ;; *) lk_alive=0 ;; esac
      fi
    elif [ -z "$lk_pid" ] && [ "$lk_tries" -lt 3 ]; then
      lk_alive=1 # just created, pid not written yet
    fi
    lk_tries=$((lk_tries + 1))
    if [ "$lk_alive" = 1 ]; then
      [ "$lk_tries" -ge 10 ] && { echo "trainyard watchdog: another copy runs (pid $lk_pid)" >&2; return 1; }
      sleep 1
    else
      rm -rf "$WD/lock"
    fi
  done
  echo $$ > "$WD/lock/pid"
  have_lock=1
}

on_exit() {
  [ -n "${sleep_pid:-}" ] && kill "$sleep_pid" 2>/dev/null
  if [ "${have_lock:-0}" = 1 ]; then
    lk_pid=''
    [ -r "$WD/lock/pid" ] && IFS= read -r lk_pid < "$WD/lock/pid"
    [ "$lk_pid" = $$ ] && rm -rf "$WD/lock"
  fi
}
