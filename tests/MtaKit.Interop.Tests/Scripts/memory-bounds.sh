#!/usr/bin/env bash
# Memory of the InboundRelay sample under 5,000 idle connections and under 50 MB messages
# (docs/reliability.md). Run after building tests/MtaKit.Interop.Tests (it carries the sample):
#   tests/MtaKit.Interop.Tests/Scripts/memory-bounds.sh [idle|large|both]
# Starts the sample on 127.0.0.1:$RELAY_PORT (27901) with smtp-sink (no dumps) on $SINK_PORT (27902)
# as next hop, measures VmRSS from /proc, and stops both by PID. Prints one line per measurement.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$HERE/../bin/Release/net10.0"
RELAY_PORT="${RELAY_PORT:-27901}" SINK_PORT="${SINK_PORT:-27902}"
MODE="${1:-both}"
SPILL=$(mktemp -d /tmp/mtakit-spill.XXXXXX)
ulimit -n 20000
smtp-sink $([ "$(id -u)" = 0 ] && echo -u nobody) "127.0.0.1:$SINK_PORT" 256 >/dev/null 2>&1 &
SINK=$!
(cd "$BIN" && exec dotnet MtaKit.Samples.InboundRelay.dll --MtaKit:Listeners:smtp:Endpoint=127.0.0.1:$RELAY_PORT \
  '--MtaKit:Routing:Routes:0:Domains:0=*.port.test' --MtaKit:Routing:Routes:0:NextHops:0:Address=127.0.0.1:$SINK_PORT \
  --MtaKit:Routing:FallbackHosts:0=127.0.0.1:$SINK_PORT --MtaKit:Limits:MaxConnections=6000 \
  --MtaKit:Limits:MaxConnectionsPerIp=6000 --MtaKit:TempDirectory="$SPILL" --Logging:LogLevel:Default=Warning) >/dev/null 2>&1 &
RELAY=$!
trap 'kill $RELAY $SINK 2>/dev/null; rm -rf "$SPILL"' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$RELAY_PORT) 2>/dev/null && break; sleep 0.1; done
python3 - "$RELAY" "$RELAY_PORT" "$MODE" "$SPILL" <<'EOF'
import os, resource, socket, sys, threading, time
pid, port, mode, spill = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
def rss():
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmRSS"): return int(l.split()[1]) // 1024
def reply(f):
    while True:
        l = f.readline()
        if l[3:4] != b"-": return l
for _ in range(20):
    s = socket.create_connection(("127.0.0.1", port)); f = s.makefile("rb"); reply(f); s.sendall(b"QUIT\r\n"); reply(f); s.close()
time.sleep(1)
if mode in ("idle", "both"):
    base = rss(); socks = []
    for _ in range(5000): socks.append(socket.create_connection(("127.0.0.1", port)))
    for s in socks:
        s.settimeout(30); assert s.recv(200).startswith(b"220 ")
    time.sleep(3); greeted = rss()
    for s in socks: s.sendall(b"EHLO idle.test\r\n")
    for s in socks:
        buf = b""
        while b"\r\n250 " not in buf: buf += s.recv(500)
    time.sleep(3); ehlo = rss()
    for s in socks: s.close()
    print(f"idle connections=5000 baseline_rss_mb={base} greeted_rss_mb={greeted} after_ehlo_rss_mb={ehlo} per_connection_kb={(ehlo - base) * 1024 // 5000}")
if mode in ("large", "both"):
    body = b"Subject: big\r\n\r\n" + (b"x" * 78 + b"\r\n") * (50_000_000 // 80)
    peak = [0, 0]; stop = [False]; ok = [0]; fail = []
    def sample():
        while not stop[0]:
            peak[0] = max(peak[0], rss())
            peak[1] = max(peak[1], sum(os.path.getsize(os.path.join(spill, n)) for n in os.listdir(spill)) >> 20)
            time.sleep(0.1)
    def send():
        try:
            s = socket.create_connection(("127.0.0.1", port)); f = s.makefile("rb"); reply(f)
            for c in [b"EHLO big.test", b"MAIL FROM:<big@client.test> SIZE=%d" % len(body), b"RCPT TO:<u@p1.port.test>", b"DATA"]:
                s.sendall(c + b"\r\n"); reply(f)
            s.sendall(body + b".\r\n"); r = reply(f)
            (ok.__setitem__(0, ok[0] + 1) if r.startswith(b"250") else fail.append(r)); s.close()
        except Exception as e: fail.append(repr(e))
    base = rss(); th = threading.Thread(target=sample); th.start(); t = time.time()
    for _ in range(2):
        ts = [threading.Thread(target=send) for _ in range(5)]; [x.start() for x in ts]; [x.join() for x in ts]
    stop[0] = True; th.join()
    print(f"large messages=10x{len(body) // 1000000}MB concurrent=5 relayed={ok[0]} failed={len(fail)} seconds={time.time() - t:.0f} baseline_rss_mb={base} peak_rss_mb={peak[0]} peak_spill_mb={peak[1]} spill_files_left={len(os.listdir(spill))}")
EOF
