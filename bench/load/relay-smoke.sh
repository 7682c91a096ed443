#!/bin/bash
# relay-smoke.sh - a short throughput smoke run of the inbound pass-through relay on loopback:
#
#   smtp-source --SMTP--> MtaKit.Samples.InboundRelay --SMTP--> smtp-sink   (relay)
#   smtp-source --SMTP--> smtp-sink                                          (baseline)
#
# Both runs: $MSGS messages of $MSG_LEN bytes, 1 recipient, $SESSIONS parallel smtp-source sessions,
# a new connection per message (as bench-peers scenario A). The clock runs from smtp-source's start
# until smtp-sink's message counter grew by $MSGS (the delivered rate: the relay answers 250 only
# after the sink did, so accept and delivered times are the same for it).
# Prints one line per run: target=... msgs=... seconds=... msgs_per_s=...
# Needs postfix's smtp-source/smtp-sink (apt-get install postfix) and the .NET SDK. Everything
# runs on 127.0.0.1 on free ports; every process it starts is stopped at exit.
# env: MSGS (2000) SESSIONS (10) MSG_LEN (5120) WARMUP (100)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MSGS=${MSGS:-2000}
SESSIONS=${SESSIONS:-10}
MSG_LEN=${MSG_LEN:-5120}
WARMUP=${WARMUP:-100}
SOURCE=/usr/sbin/smtp-source
SINK=/usr/sbin/smtp-sink
WORK="$(mktemp -d /tmp/relay-smoke.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
log() { echo "relay-smoke: $*" >&2; }
sink_mesg() { local m; m=$(tr '\r' '\n' < "$WORK/sink.counter" | grep -o 'mesg=[0-9]*' | tail -1); echo "${m#mesg=}"; }

[ -x "$SOURCE" ] && [ -x "$SINK" ] || { log "needs $SOURCE and $SINK (apt-get install postfix)"; exit 1; }
SINK_PORT=$(free_port)
RELAY_PORT=$(free_port)

log "building the sample"
dotnet build "$ROOT/samples/MtaKit.Samples.InboundRelay" -c Release -o "$WORK/relay" -v quiet -nologo >&2

USER_ARGS=()
[ "$(id -u)" = 0 ] && USER_ARGS=(-u nobody)   # smtp-sink refuses to run as root
"$SINK" -c "${USER_ARGS[@]}" "127.0.0.1:$SINK_PORT" 1024 > "$WORK/sink.counter" 2> "$WORK/sink.err" &
PIDS+=($!)

dotnet "$WORK/relay/MtaKit.Samples.InboundRelay.dll" \
  --MtaKit:Listeners:smtp:Endpoint="127.0.0.1:$RELAY_PORT" \
  --MtaKit:Routing:Routes:0:Domains:0=example.test \
  --MtaKit:Routing:Routes:0:NextHops:0:Address="127.0.0.1:$SINK_PORT" \
  --MtaKit:Routing:Routes:0:Tls:Mode=None \
  --MtaKit:Routing:FallbackHosts:0="127.0.0.1:$SINK_PORT" \
  --Logging:LogLevel:Default=Warning > "$WORK/relay.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 200); do grep -q "^listening smtp" "$WORK/relay.out" && break; sleep 0.1; done
grep -q "^listening smtp" "$WORK/relay.out" || { log "relay did not start: $(tail -5 "$WORK/relay.out")"; exit 1; }

# run TARGET_NAME PORT COUNT -> prints the result line
run() {
  local name=$1 port=$2 count=$3 base t0 t1 n
  base=$(sink_mesg); base=${base:-0}
  t0=$(date +%s.%N)
  "$SOURCE" -s "$SESSIONS" -m "$count" -l "$MSG_LEN" -f bench@client.bench.invalid -t rcpt@example.test \
    -M client.bench.invalid "127.0.0.1:$port" > "$WORK/source.$name.out" 2>&1 || log "smtp-source ($name) exit $?: $(tail -2 "$WORK/source.$name.out")"
  for _ in $(seq 1 6000); do
    n=$(sink_mesg); n=${n:-0}
    [ $((n - base)) -ge "$count" ] && break
    sleep 0.02
  done
  t1=$(date +%s.%N)
  n=$(( $(sink_mesg) - base ))
  awk -v name="$name" -v count="$count" -v got="$n" -v t0="$t0" -v t1="$t1" -v s="$SESSIONS" -v l="$MSG_LEN" \
    'BEGIN { d = t1 - t0; printf "target=%s msgs=%d delivered=%d sessions=%d msg_len=%d seconds=%.3f msgs_per_s=%.0f\n", name, count, got, s, l, d, got / d }'
}

log "warm-up: $WARMUP messages through the relay"
run warmup "$RELAY_PORT" "$WARMUP" > /dev/null
run relay "$RELAY_PORT" "$MSGS"
run sink "$SINK_PORT" "$MSGS"
