
tick() {
  now_time
  tmux_state=unknown gpu_state=unknown sizes_state=unknown gpu_err='' live_dirs='' live_gpus='' live_all=0 live_sweeps='' sw_limits=''
  : > "$T/gpu"
  : > "$T/logs.$((tick_no % 2))"
  secret_files='' # the values in them are masked in events, pushes and the summary
  for sec_f in "$HOME/.trainyard/secrets/"*.env; do [ -f "$sec_f" ] && secret_files="$secret_files$sec_f$NL"; done
  for mf in "$RUNS"/*.json; do
    [ -f "$mf" ] || continue
    name=${mf##*/}
    name=${name%.json}
    case $name in '' | *[[:cntrl:]]*) continue ;; esac
    if [ -f "$RUNS/$name.machine" ]; then # another server sharing this home watches its own runs
      owner=''
      IFS= read -r owner < "$RUNS/$name.machine"
      [ "$owner" = "$machine" ] || continue
    fi
    watch_run
  done
  run_queue
  check_disks
  [ $((tick_no % 20)) -eq 19 ] && prune_state
  flush_events
  write_summary
}

on_exit() {
  [ -n "${sleep_pid:-}" ] && kill "$sleep_pid" 2>/dev/null
  [ "${have_lock:-0}" = 1 ] && drop_lock "$WD/lock"
}

run_loop() {
  max_ticks=${1:-0}
  is_uint "$max_ticks" || max_ticks=0
  mkdir -p "$RUNS" "$ST" "$T" || exit 1
  [ -e "$ST/.epoch" ] || : > "$ST/.epoch"
  if [ -f "$LOGFILE" ] && [ "$(wc -c < "$LOGFILE")" -gt 262144 ]; then mv -f "$LOGFILE" "$LOGFILE.1"; fi
  if ! take_lock "$WD/lock" 10 watchdog; then
    echo "trainyard watchdog: another copy runs (pid $R)" >&2
    exit 1
  fi
  have_lock=1
  trap on_exit EXIT
  # TERM (how install and uninstall stop it) lets the interval finish: a restart or a transition
  # is never half done; a closed pane (HUP) ends it at once
  stopping=0
  trap 'stopping=1' INT TERM
  trap 'exit 0' HUP
  HOST=$(uname -n 2> /dev/null | tr -d '\000-\037"\\')
  cd "$HOME" || exit 1
  tick_no=0 seq=0 disk_full=''
  [ -r "$ST/disks" ] && while IFS= read -r l; do [ -n "$l" ] && disk_full="${disk_full:+$disk_full$NL}$l"; done < "$ST/disks"
  now_time
  load_config
  TIMEOUT='' # nvidia-smi and df may hang (a wedged driver, a dead NFS server): never the loop
  command -v timeout > /dev/null 2>&1 && TIMEOUT="timeout $cmd_timeout"
  # events a previous copy recorded but was stopped before sending: they go out with the first tick
  [ -f "$T/ev.raw" ] || : > "$T/ev.raw"
  : > "$T/logs.1"
  ev '' '' watchdog-started "watchdog $WATCHDOG_VERSION started (every ${interval} s)"
  while :; do
    tick
    tick_no=$((tick_no + 1))
    [ "$stopping" = 1 ] && break
    [ "$max_ticks" -gt 0 ] && [ "$tick_no" -ge "$max_ticks" ] && break
    sleep "$interval" &
    sleep_pid=$!
    wait "$sleep_pid"
    [ "$stopping" = 1 ] && break
    sleep_pid=''
  done
}

case ${1:-} in
  run) run_loop "${2:-0}" ;;
  scan) awk -v limit="${3:-9223372036854775807}" -v skipfirst=0 -v final="${2:-1}" "$AWK_GRAMMAR$AWK_SCAN" ;;
  version) echo "$WATCHDOG_VERSION" ;;
  *) echo "usage: watchdog.sh run [TICKS] | scan [FINAL [BYTES]] | version" >&2; exit 2 ;;
esac
