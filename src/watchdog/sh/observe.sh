# ---------------------------------------------------------------------------------------------
# What this interval sees: tmux sessions, GPUs (each asked at most once per interval)

tmux_list() {
  [ "$tmux_state" = unknown ] || return 0
  if tmux -u list-sessions -F "#{session_name}$US#{pane_dead}$US#{pane_dead_status}$US#{pane_dead_signal}" > "$T/tmux" 2> "$T/tmux.err"; then
    tmux_state=ok
  else
    tl_err=''
    IFS= read -r tl_err < "$T/tmux.err"
    case $tl_err in
      *"no server running"* | *"error connecting"* | *"no sessions"*) tmux_state=ok; : > "$T/tmux" ;;
      *) tmux_state=failed; say "tmux list-sessions failed: $tl_err" ;;
    esac
  fi
}

# sets t_found t_dead t_status t_signal for $name
tmux_lookup() {
  t_found=0 t_dead=0 t_status='' t_signal=''
  tmux_list
  [ "$tmux_state" = ok ] || return 1
  tl_name=$name
  case $tl_name in *\\*) tl_name=$(printf '%s' "$tl_name" | sed 's/\\/\\\\/g') ;; esac # tmux escapes \ in -F output
  while IFS= read -r tl; do
    case $tl in "$tl_name$US"*) ;; *) continue ;; esac
    tl=${tl#"$tl_name$US"}
    t_dead=${tl%%"$US"*}; tl=${tl#*"$US"}
    t_status=${tl%%"$US"*}; t_signal=${tl#*"$US"}
    t_found=1
    return 0
  done < "$T/tmux"
  return 0
}

gpu_query() {
  [ "$gpu_state" = unknown ] || return 0
  gpu_err=''
  if ! command -v nvidia-smi > /dev/null 2>&1; then gpu_state=none; gpu_err='nvidia-smi not found'; return 0; fi
  if $TIMEOUT nvidia-smi --query-gpu=index,uuid,utilization.gpu,memory.used --format=csv,noheader,nounits > "$T/gpu" 2>&1; then
    gpu_state=ok
  else
    gpu_state=failed
    IFS= read -r gpu_err < "$T/gpu"
    [ -n "$gpu_err" ] || gpu_err="nvidia-smi did not answer within $cmd_timeout s"
    : > "$T/gpu"
  fi
}
