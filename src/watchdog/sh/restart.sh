# ---------------------------------------------------------------------------------------------
# Automatic restart: scheduled after a crash, then the newest checkpoint in a new session

schedule_restart() {
  [ "$m_ar" = true ] && [ "$s_historic" != 1 ] || { s_restart=off; return 0; }
  if [ "$m_rc" -ge "$m_ar_max" ]; then
    s_restart=limit; run_ev restart-limit "not restarting: $m_rc of $m_ar_max automatic restarts used"; return 0
  fi
  sr_delay=$m_backoff sr_i=0
  while [ "$sr_i" -lt "$m_rc" ] && [ "$sr_delay" -lt 3600 ]; do sr_delay=$((sr_delay * 2)) sr_i=$((sr_i + 1)); done
  [ "$sr_delay" -gt 3600 ] && sr_delay=3600
  s_restart=scheduled s_restart_at=$((now + sr_delay))
  dur "$sr_delay"; run_ev restart-scheduled "restart $((m_rc + 1)) of $m_ar_max in $R"
}

# newest checkpoint by the glob, relative to the run's own directory (src/runs/restart.ts): highest
# step number (the last integer in the base name; none or beyond 2^53 ranks lowest), then newest
# mtime, then the greater path -> R: runDir/path, or the path as the glob matched it relative to
# remoteDir for a manifest from before run directories; or empty. A sibling's checkpoints are
# never looked at.
find_checkpoint() {
  R=''
  fc_dir=${m_rundir:-$m_remote}
  [ -n "$m_ckpt" ] && cd "$fc_dir" 2> /dev/null || return 0
  fc_best='' fc_best_n=-1 fc_ifs=$IFS
  IFS=''
  for fc in $m_ckpt; do
    [ -e "$fc" ] || continue
    fc_b=${fc%"${fc##*[!/]}"}; fc_b=${fc_b##*/}
    fc_n=${fc_b%"${fc_b##*[0-9]}"}; fc_n=${fc_n##*[!0-9]}
    if [ -n "$fc_n" ]; then dec "$fc_n"; fc_n=$R; fi
    if [ -z "$fc_n" ] || [ ${#fc_n} -gt 16 ] || [ "$fc_n" -gt 9007199254740991 ]; then fc_n=-1; fi
    # glob order is ascending, so on equal step and mtime the later (greater) path wins
    if [ "$fc_n" -gt "$fc_best_n" ] || { [ "$fc_n" -eq "$fc_best_n" ] && ! [ "$fc_best" -nt "$fc" ]; }; then
      fc_best=$fc fc_best_n=$fc_n
    fi
  done
  IFS=$fc_ifs
  cd "$HOME" || :
  R=$fc_best
  case $R in '' | /*) ;; *) [ "$fc_dir" = "$m_remote" ] || R=$fc_dir/$R ;; esac
}

# a run restarted from $name already (by the cockpit, or before this watchdog restarted) -> R
find_child() {
  R=''
  for fcf in "$ST"/*.st; do
    [ -f "$fcf" ] || continue
    while IFS= read -r l; do
      case $l in "m_parent=$name") R=${fcf##*/}; R=${R%.st}; return 0 ;; esac
    done < "$fcf"
  done
  case $name in *[\\\"]*) return 1 ;; esac # JSON would escape it: the state files above must do
  fcf=$(grep -l -F -e "\"parent\":\"$name\"" -- "$RUNS"/*.json 2> /dev/null | head -n 1)
  [ -n "$fcf" ] || return 1
  R=${fcf##*/}; R=${R%.json}
}

# tmux_words NAME -> tw_name (for new-session -s, where formats are expanded: every # doubled) and
# R (the -t target); an argument ending in ";" would end tmux's command there, so it ends in "\;"
tmux_words() {
  tw_name=$1 R="=$1"
  case $tw_name in *'#'*) tw_name=$(printf '%s' "$tw_name" | sed 's/#/##/g') ;; esac
  case $1 in *\;) tw_name="${tw_name%?}\\;" R="${R%?}\\;" ;; esac
}

# start_run ID LOG: with $RUNS/ID.sh.tmp and ID.json.tmp written, puts the run's files in place
# (its state new: ours from the start, a shared log read from where it stands now) and starts
# its tmux session as the launch does; on failure removes them again, R = why, returns 1
start_run() {
  sr_off=0
  [ -f "$2" ] && { sr_off=$(wc -c < "$2"); sr_off=${sr_off##*[!0-9]}; }
  rm -f "$RUNS/$1.exit" "$RUNS/$1.stopped"
  printf '%s\n' "$machine" > "$RUNS/$1.machine"
  mv -f "$RUNS/$1.sh.tmp" "$RUNS/$1.sh"
  printf 'status=new\nsince=%s\noff=%s\nhistoric=0\n' "$now" "${sr_off:-0}" > "$ST/$1.st"
  mv -f "$RUNS/$1.json.tmp" "$RUNS/$1.json"
  tmux_words "$1"
  if ! tmux new-session -d -s "$tw_name" -- bash "$RUNS/$1.sh" \; set-option -t "=$1:" remain-on-exit on > "$T/start" 2>&1; then
    IFS= read -r R < "$T/start"
    R="tmux: $R"
    rm -f "$RUNS/$1.json" "$RUNS/$1.sh" "$RUNS/$1.machine" "$ST/$1.st"
    return 1
  fi
}

do_restart() {
  if [ -e "$RUNS/$name.stopped" ]; then s_restart=cancelled; run_ev restart-cancelled "the run was stopped"; return 0; fi
  if find_child; then s_restart=done s_child=$R; return 0; fi
  find_checkpoint; dr_ckpt=$R
  # restartName() (src/runs/restartName.ts): the lineage's first name, "-r", the restart number
  dr_root=$name dr_n=1
  case ${name##*-r} in
    "$name" | '' | 0* | *[!0-9]* | ???????*) ;;
    *) dr_root=${name%-r*} dr_n=$((${name##*-r} + 1)) ;;
  esac
  # plain bytes only: tmux would run "#(…)" in a new session's name
  dr_root=$(printf '%s' "$dr_root" | tr -c 'A-Za-z0-9_-' '-')
  while :; do
    case $dr_root in [-_]*) dr_root=${dr_root#?} ;; *[-_]) dr_root=${dr_root%?} ;; *) break ;; esac
  done
  dr_root=$(printf '%s' "$dr_root" | cut -c 1-60)
  [ -n "$dr_root" ] || dr_root=run
  while :; do
    dr_new="$dr_root-r$dr_n"
    [ -e "$RUNS/$dr_new.json" ] || tmux has-session -t "=$dr_new" 2> /dev/null || break
    dr_n=$((dr_n + 1))
  done
  dr_fail=''
  if [ ! -r "$RUNS/$name.sh" ]; then
    dr_fail="the launch script $name.sh is missing"
  else
    TY_MARKER=$MARKER TY_OLD=$name TY_NEW=$dr_new TY_CKPT=$dr_ckpt TY_ISO=$iso TY_EXIT="$RUNS/$dr_new.exit" \
      TY_SCRIPT="$RUNS/$dr_new.sh" TY_WRITER="trainyard-watchdog $WATCHDOG_VERSION" \
      TY_SCRIPT_OUT="$RUNS/$dr_new.sh.tmp" TY_MANIFEST_OUT="$RUNS/$dr_new.json.tmp" \
      awk "$AWK_JSON$AWK_RESTART" "$mf" "$RUNS/$name.sh" > "$T/restart" 2>&1
    IFS=' ' read -r dr_ok dr_log < "$T/restart"
    [ "$dr_ok" = ok ] || dr_fail=${dr_log:-awk failed}
  fi
  if [ -z "$dr_fail" ]; then
    start_run "$dr_new" "$dr_log" || dr_fail=$R
  fi
  rm -f "$RUNS/$dr_new.sh.tmp" "$RUNS/$dr_new.json.tmp"
  if [ -n "$dr_fail" ]; then
    s_restart=failed; run_ev restart-failed "could not restart: $dr_fail"; return 0
  fi
  s_restart=done s_child=$dr_new
  if [ -z "$m_resume" ]; then dr_from="from the start (the project has no resume template)"
  elif [ -z "$dr_ckpt" ]; then dr_from="from the start (no checkpoint yet)"
  else dr_from="from $dr_ckpt"; fi
  run_ev restarted "restarted as $dr_new $dr_from ($((m_rc + 1)) of $m_ar_max)"
}
