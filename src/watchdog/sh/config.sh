# ---------------------------------------------------------------------------------------------
# Configuration: key=value lines, read without evaluating anything

load_config() {
  interval=30 stall_s=600 silent_s=900 idle_pct=5 disk_pct=95 disk_mb=5120
  webhook_url='' webhook_format=auto
  push_kinds='crashed lost finished stalled silent diverged oom nccl-timeout traceback disk-full restarted restart-failed restart-limit sweep-failing queue-failed'
  scan_max=67108864 first_scan=1048576 lost_grace=10 gpu_free_mb=0 cmd_timeout=30
  [ -r "$CONF" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in '' | \#*) continue ;; *=*) ;; *) continue ;; esac
    k=${line%%=*} v=${line#*=}
    case $k in
      interval) to_secs "$v" 1 && [ "$R" -ge 1 ] && interval=$R ;;
      stall_minutes) to_secs "$v" 60 && stall_s=$R ;;
      stall_seconds) to_secs "$v" 1 && stall_s=$R ;;
      silent_minutes) to_secs "$v" 60 && silent_s=$R ;;
      silent_seconds) to_secs "$v" 1 && silent_s=$R ;;
      gpu_idle_percent) is_uint "$v" && dec "$v" && idle_pct=$R ;;
      disk_full_percent) is_uint "$v" && dec "$v" && disk_pct=$R ;;
      disk_min_free_mb) is_uint "$v" && dec "$v" && disk_mb=$R ;;
      lost_grace_seconds) is_uint "$v" && dec "$v" && lost_grace=$R ;;
      gpu_free_below_mb) is_uint "$v" && dec "$v" && gpu_free_mb=$R ;;
      command_timeout_seconds) is_uint "$v" && dec "$v" && [ "$R" -ge 1 ] && cmd_timeout=$R ;;
      webhook_url) webhook_url=$v ;;
      webhook_format) case $v in text | slack | auto) webhook_format=$v ;; esac ;;
      push_kinds) push_kinds=$v ;;
    esac
  done < "$CONF"
  case $webhook_url in
    '') ;;
    *[[:space:][:cntrl:]\"\\]*) say "webhook_url has spaces, quotes or backslashes: alerts are not pushed"; webhook_url='' ;;
    http://* | https://*) ;;
    *) say "webhook_url must start with http:// or https://: alerts are not pushed"; webhook_url='' ;;
  esac
  if [ "$webhook_format" = auto ]; then
    case $webhook_url in https://hooks.slack.com/*) webhook_format=slack ;; *) webhook_format=text ;; esac
  fi
  [ "$lost_grace" -ge $((2 * interval)) ] || lost_grace=$((2 * interval))
}
