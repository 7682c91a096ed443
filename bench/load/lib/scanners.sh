#!/usr/bin/env bash
# lib/scanners.sh start|stop|status - the real clamd and spamd that peer mtakit-scan scans with.
#
# Uses the project's service scripts (tests/services/start-clamd.sh, start-spamd.sh: apt-install
# clamav-daemon / spamassassin + spamd on first use, offline configuration, tiny clamd signature DB,
# SpamAssassin's packaged rules with Bayes, auto-learn and network tests off) but with the harness's
# own state directory and ports, so they never touch the daemons a test run uses:
#
#   SCAN_SVC_DIR      [$BENCH_TMP/services]   state (configs, pid files, logs)
#   BENCH_CLAMD_PORT  [13410]                 clamd on 127.0.0.1 (MaxThreads 4, StreamMaxLength 25M)
#   BENCH_SPAMD_PORT  [17930]                 spamd on 127.0.0.1
#   SPAMD_CHILDREN    [number of cores, at least 2]  spamd's maximum children (-m)
#
# start: idempotent (a running daemon answering PING is kept); stdout gets eval-able lines
#   BENCH_CLAMD_PORT=.. BENCH_CLAMD_PID=.. BENCH_SPAMD_PORT=.. BENCH_SPAMD_PID=..
# stop:  stops both (SIGTERM, then SIGKILL) by their pid files.  run.sh starts them before its first
#        mtakit-scan cell and stops them at the end; lib/measure.sh starts them when run alone.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SERVICES=$(cd "$HERE/../../../tests/services" && pwd)
BENCH_TMP=${BENCH_TMP:-/tmp/mta-bench}
export MTA_SVC_DIR=${SCAN_SVC_DIR:-$BENCH_TMP/services}
export CLAMD_PORT=${BENCH_CLAMD_PORT:-13410}
export SPAMD_PORT=${BENCH_SPAMD_PORT:-17930}
cores=$(nproc)
export SPAMD_CHILDREN=${SPAMD_CHILDREN:-$(( cores < 2 ? 2 : cores ))}
# The bench daemons are the scripts' defaults otherwise: no extra signatures, no DNS for spamd.
unset CLAMD_DIR SPAMD_DIR CLAMD_EXTRA_SIGS SPAMD_DNS SPAMD_EXTRA_CF CLAMD_STREAM_MAX
mkdir -p "$MTA_SVC_DIR"
chmod 755 "$BENCH_TMP" "$MTA_SVC_DIR"   # spamd's children run as debian-spamd and need to reach their home

case "${1:-start}" in
  start)
    out=$(bash "$SERVICES/start-clamd.sh" start) || exit 1
    eval "$out"
    echo "BENCH_CLAMD_PORT=$CLAMD_PORT"
    echo "BENCH_CLAMD_PID=$CLAMD_PID"
    out=$(bash "$SERVICES/start-spamd.sh" start) || exit 1
    eval "$out"
    echo "BENCH_SPAMD_PORT=$SPAMD_PORT"
    echo "BENCH_SPAMD_PID=$SPAMD_PID"
    ;;
  stop)
    bash "$SERVICES/start-clamd.sh" stop
    bash "$SERVICES/start-spamd.sh" stop
    ;;
  status)
    bash "$SERVICES/start-clamd.sh" status && bash "$SERVICES/start-spamd.sh" status
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
