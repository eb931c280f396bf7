# ---------------------------------------------------------------------------------------------
# The queue (layout: src/sweeps/queueEntry.ts): runs waiting on this machine for free GPUs,
# started in FIFO order through start_run (sh/restart.sh), as an automatic restart is. A GPU
# is free when no process of anyone runs on it (compute apps), its memory use is under
# gpu_free_below_mb (when set), and no live trainyard run of this machine names it in its
# manifest (a run that just started has no CUDA context yet; a live run without GPUs in its
# manifest sees them all, so it holds them all). An entry that does not fit waits, and so do
# the entries behind it: no run is passed over forever by smaller ones. An entry with `share`
# may use GPUs that are taken, under the memory limit, free ones first. A sweep with maxParallel
# gives each machine a share (sweep.json maxParallelOn): its entries start only while fewer of its
# runs live on this machine, and wait without holding up the entries of other sweeps behind them.

QD="$HOME/.trainyard/queue/$machine"
SW="$HOME/.trainyard/sweeps"

# the GPUs of this interval -> qg_free (free), qg_mem (under the memory limit): indices, lowest
# first; qg_state ok, or failed when nvidia-smi could not tell (then nothing starts)
queue_gpus() {
  [ "$qg_state" = unknown ] || return 0
  qg_state=failed qg_free='' qg_mem='' qg_count=0
  gpu_query
  [ "$gpu_state" = ok ] || return 0
  $TIMEOUT nvidia-smi --query-compute-apps=gpu_uuid,pid --format=csv,noheader > "$T/apps" 2> /dev/null || return 0
  qg_apps=''
  while IFS=', ' read -r qa_u qa_p; do qg_apps="$qg_apps $qa_u"; done < "$T/apps"
  while IFS=', ' read -r gi gu gp gm; do
    is_uint "$gi" || continue
    qg_count=$((qg_count + 1))
    if [ "$gpu_free_mb" -gt 0 ]; then is_uint "$gm" && [ "$gm" -lt "$gpu_free_mb" ] || continue; fi
    qg_mem="$qg_mem $gi"
    [ "$live_all" = 1 ] && continue
    case ",$live_gpus," in *",$gi,"* | *",$gu,"*) continue ;; esac
    case "$qg_apps " in *" $gu "*) continue ;; esac
    qg_free="$qg_free $gi"
  done < "$T/gpu"
  qg_state=ok
}

# pick_gpus WANT SHARE -> R = "i,j" (WANT GPUs), or empty when they are not there
pick_gpus() {
  R='' pg_n=0
  for pg in $qg_free; do
    [ "$pg_n" -lt "$1" ] || break
    case " $qg_taken " in *" $pg "*) continue ;; esac
    R="${R:+$R,}$pg" pg_n=$((pg_n + 1))
  done
  if [ "$2" = 1 ]; then
    for pg in $qg_mem; do
      [ "$pg_n" -lt "$1" ] || break
      case ",$R," in *",$pg,"*) continue ;; esac
      R="${R:+$R,}$pg" pg_n=$((pg_n + 1))
    done
  fi
  [ "$pg_n" -ge "$1" ] || R=''
}

# per-sweep state in $ST/<sweep>.sweep: consecutive failures, and whether sweep-failing was raised
sweep_load() {
  sw_fails=0 sw_alerted=0
  [ -f "$ST/$1.sweep" ] || return 0
  while IFS= read -r l; do
    case $l in fails=*) is_uint "${l#*=}" && sw_fails=${l#*=} ;; alerted=1) sw_alerted=1 ;; esac
  done < "$ST/$1.sweep"
}

# the sweep's failLimit from its sweep.json -> R (3 without one), and this machine's share of its
# maxParallel -> sw_share ('-': no cap); read once per sweep per interval
sweep_limit() {
  for sl in $sw_limits; do
    case $sl in "$1="*) sl=${sl#*=}; R=${sl%,*} sw_share=${sl#*,}; return 0 ;; esac
  done
  R=3 sw_share=-
  if [ -f "$SW/$1/sweep.json" ]; then
    sl=$(TY_MODE=limit TY_MACHINE=$machine awk "$AWK_JSON$AWK_QUEUE" "$SW/$1/sweep.json" 2> /dev/null)
    R=${sl%% *}
    case $sl in *' '*) sw_share=${sl#* } ;; esac
    is_uint "$R" && [ "$R" -ge 1 ] || R=3
    is_uint "$sw_share" || sw_share=-
  fi
  sw_limits="$sw_limits $1=$R,$sw_share"
}

# runs of the sweep live on this machine now (hold_gpus counts them) -> R
sweep_live() {
  R=0
  for sl in $live_sweeps; do [ "$sl" = "$1" ] && R=$((R + 1)); done
}

plain_sweep() { case $1 in '' | [!A-Za-z0-9]* | *[!A-Za-z0-9_-]*) return 1 ;; esac; }

# a run of a sweep ended (ok or failed): failures in a row count toward the sweep's limit
sweep_result() {
  plain_sweep "$m_sweep" || return 0
  sweep_load "$m_sweep"
  if [ "$1" = ok ]; then
    [ "$sw_fails" = 0 ] && return 0
    sw_fails=0 sw_alerted=0
  else
    sw_fails=$((sw_fails + 1))
    sweep_limit "$m_sweep"
    if [ "$sw_fails" -ge "$R" ] && [ "$sw_alerted" = 0 ]; then
      sw_alerted=1
      run_ev sweep-failing "sweep $m_sweep: $sw_fails runs in a row failed, the last $name — its queued runs do not start until one succeeds (trainyard sweep stop $m_sweep drops them)"
    fi
  fi
  printf 'fails=%s\nalerted=%s\n' "$sw_fails" "$sw_alerted" > "$ST/$m_sweep.sweep.tmp" && mv -f "$ST/$m_sweep.sweep.tmp" "$ST/$m_sweep.sweep"
}

# queue_drop REASON KIND DETAIL: the entry leaves the queue (deleted, or kept as .failed-<entry>)
queue_drop() {
  if [ "$1" = delete ]; then
    mv -- "$qe" "$QD/.removing-$qn" 2> /dev/null && rm -rf -- "$QD/.removing-$qn"
  else
    mv -- "$qe" "$QD/.failed-$qn" 2> /dev/null
  fi
  ev "$q_id" "$q_project" "$2" "$3"
}

# one entry ($qe, named $qn); q_block=1 when it waits for GPUs (the entries behind it wait too)
queue_entry() {
  q_ok='' q_id='' q_sweep='' q_project='' q_log='' q_want=''
  TY_MODE=read awk "$AWK_JSON$AWK_QUEUE" "$qe/manifest.json" > "$T/queue" 2> /dev/null
  { IFS= read -r q_ok; IFS= read -r q_id; IFS= read -r q_sweep; IFS= read -r q_project; IFS= read -r q_log; } < "$T/queue"
  [ -r "$qe/want" ] && IFS=' 	' read -r q_want < "$qe/want"
  if [ "$q_ok" != ok ]; then queue_drop keep queue-failed "queue entry $qn: its manifest.json is not a run manifest"; return 0; fi
  case $qn in ?????????????-"$q_id") ;; *) queue_drop keep queue-failed "queue entry $qn does not hold run $q_id"; return 0 ;; esac
  case $q_id in *[/:.\\]* | [-\$@%=~]*) queue_drop keep queue-failed "$q_id cannot name a tmux session"; return 0 ;; esac
  is_uint "$q_want" && dec "$q_want" && [ "$R" -ge 1 ] || { queue_drop keep queue-failed "queue entry $qn: want is not a number of GPUs"; return 0; }
  q_want=$R
  plain_sweep "$q_sweep" || q_sweep=''
  if [ -n "$q_sweep" ]; then
    if [ -e "$SW/$q_sweep/stopped" ]; then queue_drop delete queue-dropped "sweep $q_sweep was stopped: not started"; return 0; fi
    sweep_load "$q_sweep"
    sweep_limit "$q_sweep"
    [ "$sw_fails" -gt 0 ] && [ "$sw_fails" -ge "$R" ] && return 0
    if [ "$sw_share" != - ]; then
      sweep_live "$q_sweep"
      # this machine's share of the sweep's maxParallel is in use: the entries behind go on
      [ "$R" -lt "$sw_share" ] || return 0
    fi
  fi
  queue_gpus
  [ "$qg_state" = ok ] || { q_block=1; return 0; }
  if [ "$q_want" -gt "$qg_count" ]; then
    queue_drop keep queue-failed "$q_id wants $q_want GPUs and this host has $qg_count: it never fits here"
    return 0
  fi
  q_share=0
  [ -e "$qe/share" ] && q_share=1
  pick_gpus "$q_want" "$q_share"
  [ -n "$R" ] || { q_block=1; return 0; }
  q_gpus=$R
  tmux_words "$q_id"
  if [ -e "$RUNS/$q_id.json" ] || tmux has-session -t "$R" 2> /dev/null; then
    queue_drop keep queue-failed "a run or tmux session named $q_id exists on this host already: not started"; return 0
  fi
  qc="$QD/.claimed-$qn"
  mv -- "$qe" "$qc" 2> /dev/null || return 0 # a laptop moved or removed it this moment
  TY_MODE=start TY_GPUS=$q_gpus TY_ISO=$iso TY_MARKER=$MARKER TY_WRITER="trainyard-watchdog $WATCHDOG_VERSION" \
    TY_SCRIPT_OUT="$RUNS/$q_id.sh.tmp" TY_MANIFEST_OUT="$RUNS/$q_id.json.tmp" \
    awk "$AWK_JSON$AWK_QUEUE" "$qc/manifest.json" "$qc/run.sh" > "$T/queue" 2>&1
  IFS=' ' read -r q_ok q_why < "$T/queue"
  if [ "$q_ok" = ok ]; then
    start_run "$q_id" "$q_log" && q_ok=started || q_why=$R
  fi
  rm -f "$RUNS/$q_id.sh.tmp" "$RUNS/$q_id.json.tmp"
  if [ "$q_ok" != started ]; then
    mv -- "$qc" "$QD/.failed-$qn" 2> /dev/null
    ev "$q_id" "$q_project" queue-failed "could not start $q_id from the queue: ${q_why:-awk failed}"
    return 0
  fi
  rm -rf -- "$qc"
  if [ -n "$q_sweep" ]; then live_sweeps="$live_sweeps $q_sweep"; fi
  q_ifs=$IFS IFS=,
  for pg in $q_gpus; do qg_taken="$qg_taken $pg"; done
  IFS=$q_ifs
  dec "${qn%%-*}"
  q_wait=$((now - R / 1000))
  [ "$q_wait" -ge 0 ] || q_wait=0
  dur "$q_wait"
  ev "$q_id" "$q_project" queue-start "started from the queue on GPU $q_gpus${q_sweep:+ (sweep $q_sweep)} after $R waiting"
}

run_queue() {
  qg_state=unknown qg_taken='' q_block=0
  for qe in "$QD"/[0-9]*; do
    [ "$q_block" = 0 ] || break
    [ -d "$qe" ] || continue
    qn=${qe##*/}
    case $qn in *[[:cntrl:]]*) continue ;; esac
    queue_entry
  done
}
