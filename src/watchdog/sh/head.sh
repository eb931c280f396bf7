#!/bin/sh
# trainyard watchdog: one copy per host, in the tmux session "trainyard-watchdog", installed by
# `trainyard watchdog install` (src/watchdog/). File layout: src/runs/layout.ts.
#
# Every interval it looks at each trainyard run of this machine (the manifests in ~/.trainyard/runs
# whose .machine file, if any, names this machine: homes may be shared), writes
# ~/.trainyard/watchdog/<machine>/summary.json (tmp file, then mv) and appends one JSON line to
# events.jsonl per transition: a run started, finished, crashed, was lost, stalled (GPU idle),
# went silent (log not written), diverged (NaN/inf loss), ran out of CUDA memory, printed a
# Python traceback or an NCCL timeout; a disk nearly full; automatic restarts. Alerts can be
# pushed to a webhook with curl or wget. Needs POSIX sh and awk, tmux, date, wc, tail, df, mv;
# uses nvidia-smi, curl or wget when present.
#
# Everything read from manifests, logs and file names is data: never evaluated, and it reaches a
# shell only single-quoted (the restart's launch script). Values travel to awk through ENVIRON
# or files, never through -v (which would interpret backslashes).
#
#   watchdog.sh run [TICKS]   the loop; with TICKS it stops after that many intervals
#   watchdog.sh scan [FINAL [BYTES]]  scans a log on stdin, prints what it finds (tests)
#   watchdog.sh version
WATCHDOG_VERSION=dev

umask 077
LC_ALL=C
export LC_ALL
PATH="${PATH:-/usr/bin:/bin}:/usr/local/bin:/usr/bin:/bin:/usr/local/nvidia/bin"
@MACHINE_KEY_SH@
WD="$HOME/.trainyard/watchdog/$machine"
RUNS="$HOME/.trainyard/runs"
ST="$WD/state"
T="$WD/tmp"
CONF="$WD/config"
LOGFILE="$WD/watchdog.log"
US=$(printf '\037')
NL='
'
MARKER='# --- trainyard: run-independent part below ---'
