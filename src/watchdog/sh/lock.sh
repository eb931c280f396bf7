# ---------------------------------------------------------------------------------------------
# Locks (also sent with the install command): a symlink whose target is the holder's pid, made in
# one step by ln -s, where a directory plus a pid file leaves a moment with a lock and no owner.
# A lock whose holder is dead is broken under a second, short-lived lock and only while it still
# names that dead holder, so two copies that both found it stale cannot both take it.

# lock_owner PATH -> R = the pid the lock names, or empty
lock_owner() {
  R=$(readlink "$1" 2> /dev/null) || { R=$(ls -l "$1" 2> /dev/null); R=${R##* -> }; }
  case $R in '' | *[!0-9]*) R='' ;; esac
}

# lock_alive PID WHAT: the process runs and, where /proc tells, its command line mentions WHAT
lock_alive() {
  kill -0 "$1" 2> /dev/null || return 1
  [ -r "/proc/$1/cmdline" ] || return 0
  case $(tr '\000' ' ' < "/proc/$1/cmdline") in *"$2"*) return 0 ;; esac
  return 1
}

# take_lock PATH SECONDS WHAT: waits up to SECONDS while a live holder keeps it; then fails with
# R = the holder's pid
take_lock() {
  tl_tries=0
  [ -d "$1" ] && [ ! -L "$1" ] && rm -rf "$1" # a lock directory of an older watchdog
  until ln -s "$$" "$1" 2> /dev/null; do
    lock_owner "$1"
    tl_pid=$R
    if [ -n "$tl_pid" ] && lock_alive "$tl_pid" "$3"; then
      tl_tries=$((tl_tries + 1))
      [ "$tl_tries" -ge "$2" ] && return 1
      sleep 1
    elif mkdir "$1.break" 2> /dev/null; then
      lock_owner "$1"
      [ "$R" = "$tl_pid" ] && rm -f "$1"
      rmdir "$1.break"
    else
      tl_tries=$((tl_tries + 1))
      [ "$tl_tries" -ge "$2" ] && rmdir "$1.break" 2> /dev/null # its breaker died in between
      sleep 1
    fi
  done
  R=$$
}

drop_lock() {
  lock_owner "$1"
  [ "$R" = $$ ] && rm -f "$1"
}
