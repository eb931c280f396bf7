# ---------------------------------------------------------------------------------------------
# One run

classify() {
  c_status='' c_exit='' c_signal=''
  if [ -f "$RUNS/$name.exit" ]; then
    IFS=' 	' read -r c_exit < "$RUNS/$name.exit"
    is_uint "$c_exit" || c_exit=''
  fi
  if [ -z "$c_exit" ]; then
    tmux_lookup || { c_status=unknown; return 0; }
    if [ "$t_found" = 1 ] && [ "$t_dead" != 1 ]; then c_status=running; return 0; fi
    if [ "$t_found" = 1 ]; then
      if is_uint "$t_signal" && [ "$t_signal" != 0 ]; then c_signal=$t_signal; else c_exit=$t_status; is_uint "$c_exit" || c_exit=''; fi
    fi
  fi
  # Looked for only once the run is seen ended: stop writes the marker before its Ctrl-C, so a run
  # that died of that Ctrl-C always has it by now, even when the stop raced this interval.
  stopped=0
  [ -e "$RUNS/$name.stopped" ] && stopped=1
  if [ -z "$c_exit" ] && [ -z "$c_signal" ]; then
    if [ "$stopped" = 1 ]; then c_status=stopped; else c_status=absent; fi
  elif [ "$stopped" = 1 ]; then c_status=stopped
  elif [ "$c_exit" = 0 ]; then c_status=finished
  else c_status=crashed
  fi
}

set_status() {
  s_status=$1 s_since=$now s_stalled=0 s_silent=0 s_low=0
}

# log_size PATH -> R = its size, or empty when it does not exist. One `wc -c` per interval
# measures every log the previous interval looked at; only a new run's log costs a fork of its own.
log_size() {
  ls_path=$1
  if [ "$sizes_state" = unknown ]; then
    sizes_state=ok
    set --
    while IFS= read -r ls_p; do [ -n "$ls_p" ] && set -- "$@" "$ls_p"; done < "$T/logs.$(((tick_no + 1) % 2))"
    : > "$T/sizes"
    [ $# -gt 0 ] && wc -c -- "$@" > "$T/sizes" 2> /dev/null
  fi
  printf '%s\n' "$ls_path" >> "$T/logs.$((tick_no % 2))"
  while IFS= read -r ls_l; do
    ls_l=${ls_l#"${ls_l%%[! ]*}"}
    [ "${ls_l#* }" = "$ls_path" ] && { R=${ls_l%% *}; return 0; }
  done < "$T/sizes"
  R=''
  while IFS= read -r ls_p; do [ "$ls_p" = "$ls_path" ] && return 0; done < "$T/logs.$(((tick_no + 1) % 2))" # measured: missing
  R=$(wc -c < "$ls_path" 2> /dev/null)
  R=${R##*[!0-9]}
}

# scan_log FINAL: reads the bytes appended to the log since the last scan
scan_log() {
  grew=0
  [ -n "$m_log" ] || { [ "$1" = 1 ] && s_scanned=1; return 0; }
  log_size "$m_log"
  sl_size=$R
  if [ -z "$sl_size" ]; then
    [ "$1" = 1 ] && s_scanned=1
    return 0
  fi
  if [ "$sl_size" != "$s_size" ]; then s_size=$sl_size s_grew=$now grew=1; fi
  sl_skip=0
  if [ "$s_off" = -1 ]; then
    s_off=0
    # a first look reads the last MiB: the log may have been there long before this run
    if [ "$sl_size" -gt "$first_scan" ]; then s_off=$((sl_size - first_scan)) sl_skip=1; fi
  fi
  [ "$sl_size" -lt "$s_off" ] && s_off=0 # truncated or replaced
  if [ "$sl_size" -gt "$s_off" ]; then
    if [ $((sl_size - s_off)) -gt "$scan_max" ]; then s_off=$((sl_size - scan_max)) sl_skip=1; fi
    tail -c +$((s_off + 1)) -- "$m_log" 2> /dev/null |
      awk -v limit=$((sl_size - s_off)) -v skipfirst=$sl_skip -v final="$1" "$AWK_GRAMMAR$AWK_SCAN" > "$T/scan" 2> /dev/null
    while IFS=' ' read -r k v; do
      case $k in
        consumed) is_uint "$v" && s_off=$((s_off + v)) ;;
        error) s_err=$v ;;
        oom | diverged | nccl-timeout | traceback)
          case " $s_flags " in *" $k "*) ;; *) s_flags="${s_flags:+$s_flags }$k"; run_ev "$k" "$v" ;; esac ;;
      esac
    done < "$T/scan"
  fi
  [ "$1" = 1 ] && s_scanned=1
  return 0
}

check_health() {
  if [ -n "$m_log" ]; then
    if [ "$grew" = 1 ]; then
      [ "$s_silent" = 1 ] && { s_silent=0; run_ev recovered "the log is written again"; }
    elif [ "$s_silent" = 0 ] && [ $((now - s_grew)) -ge "$silent_s" ]; then
      s_silent=1; dur $((now - s_grew)); run_ev silent "log not written for $R"
    fi
  fi
  gpu_query
  s_util=''
  [ "$gpu_state" = ok ] || return 0
  ch_util=-1
  while IFS=', ' read -r gi gu gp gm; do
    if [ -n "$m_gpus" ]; then case ",$m_gpus," in *",$gi,"* | *",$gu,"*) ;; *) continue ;; esac; fi
    is_uint "$gp" || continue
    [ "$gp" -gt "$ch_util" ] && ch_util=$gp
  done < "$T/gpu"
  [ "$ch_util" -ge 0 ] || return 0
  s_util=$ch_util
  if [ "$ch_util" -lt "$idle_pct" ]; then
    [ "$s_low" = 0 ] && s_low=$now
    if [ "$s_stalled" = 0 ] && [ $((now - s_low)) -ge "$stall_s" ]; then
      s_stalled=1; dur $((now - s_low)); run_ev stalled "GPU utilisation ${ch_util}% (under ${idle_pct}%) for $R while the session runs"
    fi
  else
    s_low=0
    [ "$s_stalled" = 1 ] && { s_stalled=0; run_ev recovered "GPU busy again (${ch_util}%)"; }
  fi
}

ended_detail() {
  if [ -n "$c_signal" ]; then signame "$c_signal"; R="killed by $R"
  elif [ "$c_exit" -gt 128 ] && [ "$c_exit" -lt 160 ]; then signame $((c_exit - 128)); R="exit code $c_exit ($R)"
  else R="exit code $c_exit"; fi
  [ -n "$s_err" ] && [ "$c_status" = crashed ] && R="$R: $s_err"
}


# the run's GPUs are not free for the queue (a run without GPUs in its manifest sees them all),
# and it counts toward its sweep's share of maxParallel
hold_gpus() {
  if [ -n "$m_gpus" ]; then live_gpus="$live_gpus,$m_gpus"; else live_all=1; fi
  if plain_sweep "$m_sweep"; then live_sweeps="$live_sweeps $m_sweep"; fi
}

watch_run() {
  sf="$ST/$name.st"
  load_state
  # runs older than the watchdog's first start are history: no events for how they ended
  if [ ! -f "$sf" ] && [ "$ST/.epoch" -nt "$mf" ]; then s_historic=1; fi
  # (a state saved by a watchdog from before run directories has no m_rundir: read it again)
  if [ "$m_ok" != 1 ] || [ "$mf" -nt "$sf" ] || [ -z "$m_rundir" ]; then read_manifest || return 0; fi
  case $s_status in
    finished | stopped | lost) [ "$s_scanned" = 1 ] && { save_state; return 0; } ;;
    crashed) [ "$s_scanned" = 1 ] && [ "$s_restart" != scheduled ] && { save_state; return 0; } ;;
  esac
  classify
  case $c_status in
    running)
      s_absent=0
      if [ "$s_status" != running ]; then
        set_status running
        s_historic=0
        if [ -z "$m_parent" ]; then run_ev running "running"
        # a manifest from before restartedBy: only an automatic restart counts one
        elif [ "$m_by" = user ] || { [ -z "$m_by" ] && [ "$m_rc" = 0 ]; }; then
          run_ev running "running (restarted by you from ${m_from:-the start}, after $m_parent)"
        else run_ev running "running (automatic restart $m_rc of $m_ar_max, after $m_parent)"; fi
      fi
      live_dirs="$live_dirs$m_remote$NL"
      hold_gpus
      scan_log 0
      check_health
      ;;
    finished | crashed | stopped)
      if [ "$s_status" != "$c_status" ]; then
        scan_log 1
        s_exit=$c_exit s_signal=$c_signal s_util=''
        set_status "$c_status"
        case $c_status in
          stopped) run_ev stopped "stopped by the user" ;;
          finished) ended_detail; run_ev finished "$R"; sweep_result ok ;;
          crashed) ended_detail; run_ev crashed "$R"; sweep_result failed; schedule_restart ;;
        esac
      fi
      [ "$s_scanned" = 1 ] || scan_log 1
      ;;
    absent)
      [ "$s_absent" = 0 ] && s_absent=$now
      if [ $((now - s_absent)) -ge "$lost_grace" ]; then
        scan_log 1
        set_status lost
        run_ev lost "the tmux session is gone and left no exit code (killed, or the host rebooted)"
      fi
      ;;
  esac
  if [ "$s_status" = crashed ] && [ "$s_restart" = scheduled ]; then
    hold_gpus # its restart gets them back: the queue must not give them away meanwhile
    [ "$now" -ge "$s_restart_at" ] && do_restart
  fi
  save_state
}

