# ---------------------------------------------------------------------------------------------
# Per-run state: $ST/<session>.st, key=value lines

reset_state() {
  s_status=new s_since=$now s_exit='' s_signal='' s_off=-1 s_size='' s_grew=$now s_low=0 s_util=''
  s_stalled=0 s_silent=0 s_flags='' s_err='' s_restart='' s_restart_at=0 s_child='' s_historic=0
  s_absent=0 s_scanned=0
  m_ok=0 m_project='' m_log='' m_remote='' m_gpus='' m_ckpt='' m_resume='' m_ar=false m_ar_max=3
  m_backoff=60 m_rc=0 m_parent='' m_started='' m_base=run m_by='' m_from='' m_sweep='' m_rundir=''
}

state_text() {
  R="status=$s_status${NL}since=$s_since${NL}exit=$s_exit${NL}signal=$s_signal${NL}off=$s_off${NL}size=$s_size"
  R="$R${NL}grew=$s_grew${NL}low=$s_low${NL}util=$s_util${NL}stalled=$s_stalled${NL}silent=$s_silent${NL}flags=$s_flags"
  R="$R${NL}err=$s_err${NL}restart=$s_restart${NL}restart_at=$s_restart_at${NL}child=$s_child${NL}historic=$s_historic"
  R="$R${NL}absent=$s_absent${NL}scanned=$s_scanned${NL}m_ok=$m_ok${NL}m_project=$m_project${NL}m_log=$m_log"
  R="$R${NL}m_remote=$m_remote${NL}m_gpus=$m_gpus${NL}m_ckpt=$m_ckpt${NL}m_resume=$m_resume${NL}m_ar=$m_ar"
  R="$R${NL}m_ar_max=$m_ar_max${NL}m_backoff=$m_backoff${NL}m_rc=$m_rc${NL}m_parent=$m_parent${NL}m_started=$m_started"
  R="$R${NL}m_base=$m_base${NL}m_by=$m_by${NL}m_from=$m_from${NL}m_sweep=$m_sweep${NL}m_rundir=$m_rundir"
}

load_state() {
  reset_state
  [ -f "$sf" ] || { s_loaded=''; return 0; }
  while IFS= read -r l; do
    v=${l#*=}
    case ${l%%=*} in
      status) s_status=$v ;; since) s_since=$v ;; exit) s_exit=$v ;; signal) s_signal=$v ;;
      off) s_off=$v ;; size) s_size=$v ;; grew) s_grew=$v ;; low) s_low=$v ;; util) s_util=$v ;;
      stalled) s_stalled=$v ;; silent) s_silent=$v ;; flags) s_flags=$v ;; err) s_err=$v ;;
      restart) s_restart=$v ;; restart_at) s_restart_at=$v ;; child) s_child=$v ;;
      historic) s_historic=$v ;; absent) s_absent=$v ;; scanned) s_scanned=$v ;;
      m_ok) m_ok=$v ;; m_project) m_project=$v ;; m_log) m_log=$v ;; m_remote) m_remote=$v ;;
      m_gpus) m_gpus=$v ;; m_ckpt) m_ckpt=$v ;; m_resume) m_resume=$v ;; m_ar) m_ar=$v ;;
      m_ar_max) m_ar_max=$v ;; m_backoff) m_backoff=$v ;; m_rc) m_rc=$v ;; m_parent) m_parent=$v ;;
      m_started) m_started=$v ;; m_base) m_base=$v ;; m_by) m_by=$v ;; m_from) m_from=$v ;;
      m_sweep) m_sweep=$v ;; m_rundir) m_rundir=$v ;;
    esac
  done < "$sf"
  state_text
  s_loaded=$R
}

save_state() {
  state_text
  [ "$R" = "$s_loaded" ] && return 0
  printf '%s\n' "$R" > "$sf.tmp" && mv -f "$sf.tmp" "$sf"
}

read_manifest() {
  awk "$AWK_JSON$AWK_MANIFEST" "$mf" > "$T/manifest" 2>/dev/null || return 1
  {
    IFS= read -r ok
    IFS= read -r m_project; IFS= read -r m_log; IFS= read -r m_remote; IFS= read -r m_gpus
    IFS= read -r m_ckpt; IFS= read -r m_resume; IFS= read -r m_ar; IFS= read -r m_ar_max
    IFS= read -r m_backoff; IFS= read -r m_rc; IFS= read -r m_parent; IFS= read -r m_started
    IFS= read -r m_base; IFS= read -r m_by; IFS= read -r m_from; IFS= read -r m_sweep; IFS= read -r m_rundir
  } < "$T/manifest"
  [ "$ok" = ok ] || return 1
  case $m_log in '' | /*) ;; "~/"*) m_log="$HOME/${m_log#??}" ;; *) m_log="$m_remote/$m_log" ;; esac
  m_ok=1
}
