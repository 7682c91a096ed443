#!/usr/bin/env bash
# bench/load/run.sh - MtaKit's load harness: one command that installs what it needs (setup.sh), builds
# the MtaKit host (bench/MtaKit.LoadHost) and measures, on 127.0.0.1 only, with the same smtp-source load
# into the same smtp-sink:
#
#   sink         smtp-source -> smtp-sink: the bound for the SMTP conversation on this machine
#   mtakit       MtaKit pass-through relay, benchmark stage set (relay.json: DNSBL on a local static
#                zone, embedded scanners, relay control, no greeting pause)
#   mtakit-scan  the same relay plus real clamd and spamd (relay-scan.json; lib/scanners.sh starts the
#                daemons before the first such cell and stops them at the end)
#   mtakit-tier  MtaKit fallback tier (tier.json: fsync before 250, then delivery)
#   (mtakit-bare the relay without stages; not in the default PEERS)
#   postfix      Postfix as a relay (queue, then deliver)
#   exim         Exim as a relay (immediate delivery)
#   haraka       Haraka with smtp_forward (no queue)
#
# Scenarios (lib/measure.sh): A 2,000 x 5 KB, 1 rcpt, 10 sessions, a connection per message;
# B as A with 20 recipients; C 10 persistent sessions; D 500 concurrent sessions; E 100 KB messages.
# Every run audits the sink for missing and duplicated deliveries. Prints the table (markdown) on
# stdout: msgs/s (median [min-max] over the repetitions), share of the bound, MtaKit's ratios to each
# peer, p50/p99 latency, peak RSS, peer CPU seconds per 1,000 messages, runs that passed the audit.
# Raw lines and the table go to $BENCH_TMP/results/<timestamp>/.
#
#   sudo bench/load/run.sh                                  # everything, 1 repetition
#   sudo bench/load/run.sh --reference                      # the reference run: A-E, every peer, medians of 3
#   bench/load/run.sh --reference --plan                    # only print what it would run and how long it takes
#   SCENARIOS="A C" PEERS="sink mtakit postfix" MSGS=500 REPS=3 sudo -E bench/load/run.sh
#
# --reference: SCENARIOS="A B C D E", PEERS="sink mtakit mtakit-scan mtakit-tier postfix exim haraka",
# REPS=3, MSGS=2000 (these four are fixed; the other knobs still come from the environment).
# --plan: print the plan and the wall-time estimate (lib/estimate.pl), then exit (no root needed).
#
# Environment: SCENARIOS ["A B C D E"], PEERS ["sink mtakit mtakit-scan mtakit-tier postfix exim haraka"],
# REPS [1] (round-robin: every cell once, then again; the table shows medians and ranges), SETUP [1],
# BUILD [1], QUIET [1] wait up to 60 s before each run for the machine to be below 30 % CPU (it may be
# shared), CELL_TIMEOUT [max(300, 4 x the cell's estimate)] seconds one cell (lib/measure.sh) may take:
# then it is stopped (SIGTERM to its process group, SIGKILL 60 s later), what it started is reaped, its
# line says status=cell_timeout and the run goes on; everything lib/measure.sh reads (MSGS, SESSIONS,
# MSG_LEN, WARMUP, LATENCY, TIMEOUT, KEEP, ...).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REFERENCE=0; PLAN=0
for arg in "$@"; do
  case "$arg" in
    --reference) REFERENCE=1 ;;
    --plan) PLAN=1 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done
say() { printf '[load] %s\n' "$*" >&2; }
if [ "$REFERENCE" = 1 ]; then
  for v in SCENARIOS PEERS REPS MSGS; do
    [ -n "${!v:-}" ] && say "--reference: ignoring $v=${!v} from the environment"
  done
  SCENARIOS="A B C D E"; PEERS="sink mtakit mtakit-scan mtakit-tier postfix exim haraka"; REPS=3; MSGS=2000
fi
export SCENARIOS=${SCENARIOS:-A B C D E}
export PEERS=${PEERS:-sink mtakit mtakit-scan mtakit-tier postfix exim haraka}
export REPS=${REPS:-1}
export MSGS=${MSGS:-2000}
export BENCH_TMP=${BENCH_TMP:-/tmp/mta-bench}
export MTAKIT_HOST=${MTAKIT_HOST:-$BENCH_TMP/mtakit-host/MtaKit.LoadHost.dll}

say "plan: SCENARIOS=\"$SCENARIOS\" PEERS=\"$PEERS\" REPS=$REPS MSGS=$MSGS$([ "$REFERENCE" = 1 ] && echo ' (reference run)')"
perl "$HERE/lib/estimate.pl" | sed 's/^/[load] /' >&2
[ "$PLAN" = 1 ] && exit 0
[ "$(id -u)" = 0 ] || { echo "run.sh must run as root (smtp-sink -u, postfix, exim, tmpfs mounts)" >&2; exit 1; }

if [ "${SETUP:-1}" = 1 ]; then
  say "setup.sh"
  bash "$HERE/setup.sh" >&2 || { say "setup failed"; exit 1; }
fi
if [ "${BUILD:-1}" = 1 ]; then
  say "building bench/MtaKit.LoadHost (Release) -> $(dirname "$MTAKIT_HOST")"
  dotnet build "$ROOT/bench/MtaKit.LoadHost/MtaKit.LoadHost.csproj" -c Release -nologo -v quiet \
    -o "$(dirname "$MTAKIT_HOST")" >&2 || { say "build failed"; exit 1; }
fi

# Wait (at most 60 s) until the machine is below 30 % busy over one second.
wait_quiet() {
  local i a b
  for i in $(seq 1 60); do
    a=$(awk '/^cpu /{ print $2+$3+$4+$5+$6+$7+$8, $5+$6 }' /proc/stat); sleep 1
    b=$(awk '/^cpu /{ print $2+$3+$4+$5+$6+$7+$8, $5+$6 }' /proc/stat)
    busy=$(echo "$a $b" | awk '{ t = $3 - $1; i = $4 - $2; print (t > 0 ? int(100 * (1 - i / t)) : 0) }')
    [ "$busy" -lt 30 ] && return 0
  done
  say "machine still ${busy}% busy after 60 s; measuring anyway (see load1 in the raw line)"
}

# clamd and spamd for mtakit-scan: started once before the loop (not inside a timed cell), stopped at the end.
SCANNERS_STARTED=0
stop_scanners() { [ "$SCANNERS_STARTED" = 1 ] && bash "$HERE/lib/scanners.sh" stop >&2; SCANNERS_STARTED=0; }
case " $PEERS " in
  *" mtakit-scan "*)
    say "starting clamd and spamd for mtakit-scan (lib/scanners.sh)"
    if bash "$HERE/lib/scanners.sh" start > /dev/null; then SCANNERS_STARTED=1
    else say "clamd/spamd did not start: the mtakit-scan cells will fail"; fi ;;
esac
# timeout puts measure.sh in its own process group, out of reach of the terminal's Ctrl-C: the trap
# passes the signal on (timeout forwards it to the group), waits for the cell to clean up, then stops.
CELL_PID=""
on_signal() {
  trap - INT TERM
  say "interrupted"
  if [ -n "$CELL_PID" ]; then kill -TERM "$CELL_PID" 2>/dev/null; wait "$CELL_PID" 2>/dev/null; fi
  stop_scanners
  exit 130
}
trap on_signal INT TERM

# After a cell that ran out of time: whatever its run directories (created since the cell began) still
# hold - processes naming them, a private Postfix instance, the sink's tmpfs - is stopped and released.
reap_cell() {  # peer scenario marker-file
  local d p pids
  for d in "$BENCH_TMP/$1-$2-"*; do
    [ -d "$d" ] && [ "$d" -nt "$3" ] || continue
    [ -f "$d/postfix/etc/main.cf" ] && postfix -c "$d/postfix/etc" abort >/dev/null 2>&1
    pids=$(grep -lsF -- "$d" /proc/[0-9]*/cmdline | cut -d/ -f3 | sort -un)
    for p in $pids; do kill -TERM "$p" 2>/dev/null; done
    [ -n "$pids" ] && sleep 2
    for p in $pids; do kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null; done
    grep -q " $d/sink tmpfs " /proc/mounts && umount "$d/sink"
    say "reaped $d (pids: ${pids:-none})"
  done
}

OUT=$BENCH_TMP/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
say "results in $OUT"
{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC') $(uname -r), $(nproc) cores, $(awk '/MemTotal/{ printf "%.0f GiB", $2/1048576 }' /proc/meminfo)"
  echo "# postfix $(postconf -h mail_version 2>/dev/null), exim $("${EXIM_ROOT:-/opt/exim}/usr/sbin/exim4" -bV -C /dev/null 2>/dev/null | head -1 | awk '{print $3}'), haraka $(node -p "require('${HARAKA_PREFIX:-/tmp/haraka}/node_modules/Haraka/package.json').version" 2>/dev/null), dotnet $(dotnet --version 2>/dev/null)"
  echo "# MSGS=$MSGS REPS=$REPS SCENARIOS=$SCENARIOS PEERS=$PEERS git=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$([ "$REFERENCE" = 1 ] && echo ' reference')"
  case " $PEERS " in *" mtakit-scan "*) echo "# mtakit-scan: clamd $(clamd --version 2>/dev/null | cut -d/ -f1 | awk '{print $2}'), spamd $(spamd --version 2>/dev/null | awk '/version/{print $NF; exit}'), SPAMD_CHILDREN=${SPAMD_CHILDREN:-max(2, cores)}" ;; esac
} > "$OUT/raw.txt"
START=$(date +%s)
for rep in $(seq 1 "$REPS"); do
  for scen in $SCENARIOS; do
    for peer in $PEERS; do
      [ "${QUIET:-1}" = 1 ] && wait_quiet
      limit=${CELL_TIMEOUT:-$(perl "$HERE/lib/estimate.pl" --cell "$peer" "$scen" | awk '{ t = 4 * $1; print (t < 300 ? 300 : t) }')}
      say "rep $rep/$REPS: $peer $scen (cell timeout ${limit}s; $(( ($(date +%s) - START) / 60 )) min elapsed)"
      marker=$(mktemp "$BENCH_TMP/.cell-XXXX")
      # timeout runs measure.sh in its own process group and signals the whole group, so the peer, the
      # sink and smtp-source stop with it; measure.sh's TERM trap stops the rest and releases the mount.
      # In the background and waited for, so that a signal to run.sh is handled at once (on_signal).
      timeout -k 60 "$limit" bash "$HERE/lib/measure.sh" "$peer" "$scen" > "$marker.line" 2>> "$OUT/stderr.log" &
      CELL_PID=$!
      wait "$CELL_PID"; rc=$?
      CELL_PID=""
      line=$(cat "$marker.line")
      if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        label=$peer; [ "$peer" = custom ] && label=${PEER_NAME:-custom}   # measure.sh's run directory name
        say "$label $scen: no result after ${limit}s (cell timeout), stopped"
        reap_cell "$label" "$scen" "$marker"
        line="peer=$label scenario=$scen msgs=$MSGS status=cell_timeout cell_timeout_s=$limit"
      fi
      rm -f "$marker" "$marker.line"
      [ -n "$line" ] || line="peer=$peer scenario=$scen status=failed"
      echo "$line" >> "$OUT/raw.txt"
      say "$line"
    done
  done
done
stop_scanners
say "done in $(( ($(date +%s) - START) / 60 )) min"
perl "$HERE/lib/summarize.pl" "$OUT/raw.txt" | tee "$OUT/summary.md"
