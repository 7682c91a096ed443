#!/usr/bin/env bash
# bench/load/run.sh - MtaKit's load harness: one command that installs what it needs (setup.sh), builds
# the MtaKit host (bench/MtaKit.LoadHost) and measures, on 127.0.0.1 only, with the same smtp-source load
# into the same smtp-sink:
#
#   sink         smtp-source -> smtp-sink: the bound for the SMTP conversation on this machine
#   mtakit       MtaKit pass-through relay, benchmark stage set (relay.json: DNSBL on a local static
#                zone, embedded scanners, relay control, no greeting pause)
#   mtakit-tier  MtaKit fallback tier (tier.json: fsync before 250, then delivery)
#   (mtakit-bare the relay without stages; not in the default PEERS)
#   postfix      Postfix as a relay (queue, then deliver)
#   exim         Exim as a relay (immediate delivery)
#   haraka       Haraka with smtp_forward (no queue)
#
# Scenarios (lib/measure.sh): A 2,000 x 5 KB, 1 rcpt, 10 sessions, a connection per message;
# B as A with 20 recipients; C 10 persistent sessions; D 500 concurrent sessions; E 100 KB messages.
# Every run audits the sink for missing and duplicated deliveries. Prints the table (markdown) on
# stdout: msgs/s, share of the bound, MtaKit's ratio to each peer, p50/p99 latency, peak RSS, peer
# CPU seconds per 1,000 messages. Raw lines and the table go to $BENCH_TMP/results/<timestamp>/.
#
#   sudo bench/load/run.sh                                  # everything, 1 repetition
#   SCENARIOS="A C" PEERS="sink mtakit postfix" MSGS=500 REPS=3 sudo -E bench/load/run.sh
#
# Environment: SCENARIOS ["A B C D E"], PEERS ["sink mtakit mtakit-tier postfix exim haraka"],
# REPS [1] (round-robin: every cell once, then again; the table shows medians), SETUP [1], BUILD [1],
# QUIET [1] wait up to 60 s before each run for the machine to be below 30 % CPU (it may be shared);
# everything lib/measure.sh reads (MSGS, SESSIONS, MSG_LEN, WARMUP, LATENCY, KEEP, ...).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SCENARIOS=${SCENARIOS:-A B C D E}
PEERS=${PEERS:-sink mtakit mtakit-tier postfix exim haraka}
REPS=${REPS:-1}
export BENCH_TMP=${BENCH_TMP:-/tmp/mta-bench}
export MTAKIT_HOST=${MTAKIT_HOST:-$BENCH_TMP/mtakit-host/MtaKit.LoadHost.dll}

say() { printf '[load] %s\n' "$*" >&2; }
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

OUT=$BENCH_TMP/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
say "results in $OUT"
{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC') $(uname -r), $(nproc) cores, $(awk '/MemTotal/{ printf "%.0f GiB", $2/1048576 }' /proc/meminfo)"
  echo "# postfix $(postconf -h mail_version 2>/dev/null), exim $("${EXIM_ROOT:-/opt/exim}/usr/sbin/exim4" -bV -C /dev/null 2>/dev/null | head -1 | awk '{print $3}'), haraka $(node -p "require('${HARAKA_PREFIX:-/tmp/haraka}/node_modules/Haraka/package.json').version" 2>/dev/null), dotnet $(dotnet --version 2>/dev/null)"
  echo "# MSGS=${MSGS:-2000} REPS=$REPS SCENARIOS=$SCENARIOS PEERS=$PEERS git=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"
} > "$OUT/raw.txt"
for rep in $(seq 1 "$REPS"); do
  for scen in $SCENARIOS; do
    for peer in $PEERS; do
      [ "${QUIET:-1}" = 1 ] && wait_quiet
      say "rep $rep: $peer $scen"
      line=$(bash "$HERE/lib/measure.sh" "$peer" "$scen" 2>> "$OUT/stderr.log")
      [ -n "$line" ] || line="peer=$peer scenario=$scen status=failed"
      echo "$line" >> "$OUT/raw.txt"
      say "$line"
    done
  done
done
perl "$HERE/lib/summarize.pl" "$OUT/raw.txt" | tee "$OUT/summary.md"
