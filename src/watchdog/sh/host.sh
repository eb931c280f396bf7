# ---------------------------------------------------------------------------------------------
# Host: disks, events, summary

check_disks() {
  set -- "$HOME"
  cd_ifs=$IFS IFS=$NL
  set -f
  for d in $live_dirs; do
    [ -n "$d" ] && set -- "$@" "$d"
  done
  set +f
  IFS=$cd_ifs
  $TIMEOUT df -Pk -- "$@" > "$T/df" 2> /dev/null
  : > "$T/disk"
  cd_seen=$NL cd_full=''
  {
    IFS= read -r hdr
    while read -r fs blocks used avail cap mnt; do
      case $cd_seen in *"$NL$mnt$NL"*) continue ;; esac
      cd_seen="$cd_seen$mnt$NL"
      pct=${cap%\%}
      is_uint "$pct" && is_uint "$avail" || continue
      full=0
      case $NL$disk_full$NL in *"$NL$mnt$NL"*) was=1 ;; *) was=0 ;; esac
      if [ "$pct" -ge "$disk_pct" ] || [ $((avail / 1024)) -lt "$disk_mb" ]; then
        full=1
      elif [ "$was" = 1 ] && { [ "$pct" -ge $((disk_pct - 1)) ] || [ $((avail / 1024 * 20)) -lt $((disk_mb * 21)) ]; }; then
        full=1 # not clearly better yet
      fi
      if [ "$full" = 1 ] && [ "$was" = 0 ]; then
        ev '' '' disk-full "$mnt: ${pct}% used, $((avail / 1048576)).$((avail % 1048576 * 10 / 1048576)) GiB free"
      elif [ "$full" = 0 ] && [ "$was" = 1 ]; then
        ev '' '' disk-ok "$mnt: ${pct}% used, $((avail / 1048576)).$((avail % 1048576 * 10 / 1048576)) GiB free"
      fi
      [ "$full" = 1 ] && cd_full="$cd_full$mnt$NL"
      printf '%s\037%s\037%s\037%s\n' "$mnt" "$pct" "$avail" "$full" >> "$T/disk"
    done
  } < "$T/df"
  cd_full=${cd_full%"$NL"}
  if [ "$cd_full" != "$disk_full" ]; then
    disk_full=$cd_full
    printf '%s\n' "$disk_full" > "$ST/disks"
  fi
}

push_alert() { # BODYFILE CONTENT-TYPE: the URL goes to curl/wget on stdin, never in argv
  if command -v curl > /dev/null 2>&1; then
    printf 'url = "%s"\n' "$webhook_url" |
      curl -K - -fsS -o /dev/null --connect-timeout 5 --max-time 15 -H "Content-Type: $2" -H "Title: trainyard $HOST" --data-binary @"$1" 2>> "$LOGFILE"
  elif command -v wget > /dev/null 2>&1; then
    printf '%s\n' "$webhook_url" |
      wget -q -O /dev/null -T 15 -t 1 --header="Content-Type: $2" --header="Title: trainyard $HOST" --post-file="$1" -i - 2>> "$LOGFILE"
  else
    say "no curl or wget: alerts are not pushed"
    return 1
  fi
}

flush_events() {
  [ -s "$T/ev.raw" ] || return 0
  fe_pushed=0
  if [ -n "$webhook_url" ]; then
    TY_HOST=$HOST TY_PUSH_KINDS=$push_kinds TY_FORMAT=$webhook_format TY_SECRET_FILES=$secret_files awk "$AWK_JSON$AWK_REDACT$AWK_PUSH_BODY" "$T/ev.raw" > "$T/push.body"
    if [ -s "$T/push.body" ]; then
      if [ "$webhook_format" = slack ]; then fe_type=application/json; else fe_type='text/plain; charset=utf-8'; fi
      push_alert "$T/push.body" "$fe_type" && fe_pushed=1
    fi
  fi
  # kept until written: a watchdog stopped in between leaves them to the next one
  TY_HOST=$HOST TY_PUSH_KINDS=$push_kinds TY_PUSHED=$fe_pushed TY_EPOCH=$now TY_PID=$$ TY_SEQ=$seq \
    TY_SECRET_FILES=$secret_files awk "$AWK_JSON$AWK_REDACT$AWK_EVENTS" "$T/ev.raw" >> "$WD/events.jsonl" || return 0
  while IFS= read -r l; do seq=$((seq + 1)); done < "$T/ev.raw"
  : > "$T/ev.raw"
  fe_size=$(wc -c < "$WD/events.jsonl")
  [ "${fe_size##*[!0-9]}" -gt 4194304 ] && mv -f "$WD/events.jsonl" "$WD/events.1.jsonl"
}

write_summary() {
  times > "$T/times"
  printf 'version=%s\nhost=%s\npid=%s\niso=%s\nepoch=%s\ninterval=%s\nticks=%s\nstall=%s\nsilent=%s\nidle=%s\ndisk_pct=%s\ndisk_mb=%s\nwebhook=%s\ngpu_err=%s\n' \
    "$WATCHDOG_VERSION" "$HOST" $$ "$iso" "$now" "$interval" $((tick_no + 1)) "$stall_s" "$silent_s" "$idle_pct" "$disk_pct" "$disk_mb" \
    "${webhook_url:+1}" "$gpu_err" > "$T/meta"
  set -- "$ST"/*.st
  [ -e "$1" ] || set --
  TY_SECRET_FILES=$secret_files awk -v keep=172800 "$AWK_JSON$AWK_REDACT$AWK_SUMMARY" "$T/meta" "$T/times" "$T/gpu" "$T/disk" "$@" > "$WD/summary.json.tmp" 2>> "$LOGFILE" &&
    mv -f "$WD/summary.json.tmp" "$WD/summary.json"
}

prune_state() {
  for pf in "$ST"/*.st; do
    [ -f "$pf" ] || continue
    pn=${pf##*/}
    [ -e "$RUNS/${pn%.st}.json" ] || rm -f "$pf"
  done
}
