#!/usr/bin/env bash
# bench/load/memory.sh - resource bounds of the MtaKit relay (benchmark configuration, relay.json):
#
#   1. idle connections: IDLE (5,000) SMTP sessions that said EHLO and then stay silent; the relay's
#      RSS before and with them open (target: under 320 MB in all).
#   2. a flood of big messages: FLOOD_SESSIONS (8) sessions sending FLOOD_MSGS (16) messages of
#      FLOOD_SIZE (50 MB) each through the relay into smtp-sink; the relay's peak RSS (VmHWM). Messages
#      above MtaKit:Limits:MemoryBufferThreshold (1 MB) spill to MtaKit:TempDirectory while received,
#      so RSS must stay bounded whatever the message size.
#
# Prints key=value lines. Needs root (ulimit -n), smtp-source/smtp-sink (setup.sh) and the host built by
# run.sh (MTAKIT_HOST). Everything on 127.0.0.1; every process it starts is stopped by PID at the end.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH_TMP=${BENCH_TMP:-/tmp/mta-bench}
MTAKIT_HOST=${MTAKIT_HOST:-$BENCH_TMP/mtakit-host/MtaKit.LoadHost.dll}
IDLE=${IDLE:-5000}
FLOOD_SESSIONS=${FLOOD_SESSIONS:-8}
FLOOD_MSGS=${FLOOD_MSGS:-16}
FLOOD_SIZE=${FLOOD_SIZE:-52428800}
[ -f "$MTAKIT_HOST" ] || { echo "missing $MTAKIT_HOST: run bench/load/run.sh once (it builds the host)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -gt $((IDLE + 1000)) ] || { echo "open-file limit $(ulimit -n) is too low for IDLE=$IDLE" >&2; exit 1; }
mkdir -p "$BENCH_TMP"
RUN=$(mktemp -d "$BENCH_TMP/memory-XXXX")
PIDS=()
cleanup() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done; rm -rf "$RUN"; }
trap cleanup EXIT
log() { echo "[memory] $*" >&2; }
port() { perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 1) or die; print $s->sockport'; }
listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q "127.0.0.1:$1"; }
kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }

SINK_PORT=$(port); RELAY_PORT=$(port)
/usr/sbin/smtp-sink -u nobody "127.0.0.1:$SINK_PORT" 1024 > "$RUN/sink.out" 2>&1 &
PIDS+=($!)
mkdir -p "$RUN/tmp"
# as lib/measure.sh runs the relay (inline socket continuations; MTAKIT_INLINE=0 for the .NET default)
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=${MTAKIT_INLINE:-1} dotnet "$MTAKIT_HOST" relay --config="$HERE/relay.json" \
  --MtaKit:Listeners:smtp:Endpoint="127.0.0.1:$RELAY_PORT" \
  --MtaKit:Routing:Routes:0:NextHops:0:Address="127.0.0.1:$SINK_PORT" \
  --MtaKit:Dns:StaticZoneFiles:0="$HERE/bench.zone" \
  --MtaKit:TempDirectory="$RUN/tmp" \
  --MtaKit:Limits:MaxMessageSize=$((FLOOD_SIZE + 1048576)) > "$RUN/relay.out" 2>&1 &
RELAY=$!
PIDS+=($RELAY)
for _ in $(seq 1 600); do listening "$RELAY_PORT" && break; sleep 0.1; done
listening "$RELAY_PORT" || { log "relay did not start: $(tail -5 "$RUN/relay.out")"; exit 1; }

log "warm-up: 200 messages"
/usr/sbin/smtp-source -s 10 -m 200 -l 5120 -M client.bench.invalid -f bench@client.bench.invalid -t rcpt@dest.bench.invalid "127.0.0.1:$RELAY_PORT" > /dev/null 2>&1
sleep 2
BASE=$(kb "$RELAY" VmRSS)

log "opening $IDLE idle sessions"
perl "$HERE/lib/idle.pl" 127.0.0.1 "$RELAY_PORT" "$IDLE" 600 "$RUN/idle.ready" &
IDLE_PID=$!
PIDS+=($IDLE_PID)
for _ in $(seq 1 1200); do [ -s "$RUN/idle.ready" ] && break; sleep 0.25; done
sleep 3
IDLE_RSS=$(kb "$RELAY" VmRSS)
IDLE_OPEN=$(cat "$RUN/idle.ready" 2>/dev/null)
ESTAB=$(ss -Htn state established "sport = :$RELAY_PORT" | wc -l)
echo "idle_sessions_requested=$IDLE ${IDLE_OPEN:-open=NA} established_at_relay=$ESTAB rss_before_mb=$((BASE / 1024)) rss_with_idle_mb=$((IDLE_RSS / 1024)) kb_per_idle_session=$(( (IDLE_RSS - BASE) / (IDLE > 0 ? IDLE : 1) ))"
kill "$IDLE_PID" 2>/dev/null; wait "$IDLE_PID" 2>/dev/null
sleep 3

log "flood: $FLOOD_MSGS messages of $FLOOD_SIZE bytes, $FLOOD_SESSIONS sessions"
BEFORE=$(kb "$RELAY" VmRSS)
T0=$EPOCHREALTIME
PEAK=0
/usr/sbin/smtp-source -s "$FLOOD_SESSIONS" -m "$FLOOD_MSGS" -l "$FLOOD_SIZE" -M client.bench.invalid -f bench@client.bench.invalid \
  -t rcpt@dest.bench.invalid "127.0.0.1:$RELAY_PORT" > "$RUN/flood.out" 2>&1 &
SRC=$!
PIDS+=($SRC)
MAXTMP=0
while kill -0 "$SRC" 2>/dev/null; do
  r=$(kb "$RELAY" VmRSS); [ "${r:-0}" -gt "$PEAK" ] && PEAK=$r
  t=$(du -sk "$RUN/tmp" 2>/dev/null | cut -f1); [ "${t:-0}" -gt "$MAXTMP" ] && MAXTMP=$t
  sleep 0.2
done
wait "$SRC"; RC=$?
T1=$EPOCHREALTIME
echo "flood_msgs=$FLOOD_MSGS flood_size=$FLOOD_SIZE flood_sessions=$FLOOD_SESSIONS source_rc=$RC seconds=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.1f", b - a }') rss_before_mb=$((BEFORE / 1024)) peak_rss_sampled_mb=$((PEAK / 1024)) vmhwm_mb=$(( $(kb "$RELAY" VmHWM) / 1024 )) peak_spill_mb=$((MAXTMP / 1024)) source_out=\"$(tail -1 "$RUN/flood.out" | tr -d '"')\""
