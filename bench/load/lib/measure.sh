#!/usr/bin/env bash
# lib/measure.sh PEER SCENARIO  -  one side-by-side SMTP relay measurement (called by bench/load/run.sh).
#
# Adapted from the peers harness described in bench/load/README.md (same client, same sink, same audit).
#
#   PEER      sink | mtakit | mtakit-scan | mtakit-tier | postfix | exim | haraka | custom
#             mtakit       MtaKit.LoadHost relay: pass-through relay with the benchmark stage set
#                          (bench/load/relay.json: DNSBL on a local static zone, embedded scanners,
#                          relay control, no greeting pause); answers 250 only after the sink did
#             mtakit-scan  the same relay plus real clamd and spamd (relay.json + relay-scan.json): one
#                          clamd INSTREAM and one spamd SYMBOLS per message before the 250; the daemons
#                          are started by lib/scanners.sh (own ports and state, kept running) and their
#                          CPU and RSS are added to the peer's (scanners_cpu_s_per_1000 shows their share)
#             mtakit-bare  the same relay without stages (samples/MtaKit.Samples.InboundRelay): the stages' cost
#             mtakit-tier  MtaKit.LoadHost tier: fallback tier (bench/load/tier.json), spool on ext4,
#                          fsync before 250, then delivery by the queue runner
#             custom       PEER_CMD with {PORT} and {SINK_PORT}; PEER_NAME labels it
#   SCENARIO  A  2000 msgs x 1 rcpt,  ~5 KB, 10 sessions, 1 msg per connection
#             B  2000 msgs x 20 rcpt, ~5 KB, 10 sessions, 1 msg per connection
#             C  2000 msgs x 1 rcpt,  ~5 KB, 10 sessions kept open (smtp-source -d)
#             D  2000 msgs x 1 rcpt,  ~5 KB, 500 sessions, 1 msg per connection
#             E  2000 msgs x 1 rcpt,  100 KB, 10 sessions, 1 msg per connection
#
#   smtp-source --SMTP--> PEER (relay) --SMTP--> smtp-sink (counts + dumps on a tmpfs)
#   smtp-source --SMTP--> smtp-sink                 (PEER=sink: the bound)
#
# Flow: start sink, start peer, wait until it listens, send WARMUP messages and wait for them at the
# sink, then the measured batch: the clock runs from smtp-source's start until the sink's message
# counter grew by the batch size. The sink's dumps are audited (Message-Id x recipient) for missing
# and duplicated deliveries. Then (LATENCY=1) a latency phase: smtp-source sends LAT_MSGS more
# messages with the same shape while lib/probe.pl sends messages one at a time on its own session and
# times each transaction (MAIL to the 250 after the final dot): p50/p99. Peer CPU seconds (utime +
# stime of the peer's processes, children included when reaped) and peak RSS (sum of VmHWM of the
# peer's processes alive at the end of the batch) are read from /proc. Everything started is stopped
# by PID. Progress goes to stderr; stdout gets exactly one key=value line.
#
# Environment knobs (defaults in brackets):
#   MSGS [2000]  SESSIONS [scenario]  MSG_LEN [scenario]  RCPTS [scenario]  WARMUP [100]
#   TIMEOUT [120] seconds for the measured batch   KEEP [0] keep the run dir
#   LATENCY [1]  LAT_MSGS [MSGS]  LAT_PROBES [300] most probe samples
#   MTAKIT_HOST [BENCH_TMP/mtakit-host/MtaKit.LoadHost.dll]  (bench/load/run.sh builds it)
#   BENCH_TMP [/tmp/mta-bench]   HARAKA_PREFIX [/tmp/haraka]   EXIM_ROOT [/opt/exim]
#   HARAKA_NODES [1]  HARAKA_LOGLEVEL [notice]  POSTFIX_EXTRA []  SINK_TMPFS [1]  FSYNC_CENSUS [0]
#   ACCEPT_ONLY [0]  1: the clock stops when smtp-source is done, delivery is not audited
#   MTAKIT_INLINE [1]  relay roles: DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS (0: the .NET default)
#   SCAN_MSGS [min(MSGS, 500)] measured messages for mtakit-scan (its TIMEOUT defaults to 600)
#   BENCH_CLAMD_PORT [13410]  BENCH_SPAMD_PORT [17930]  SCAN_SVC_DIR [BENCH_TMP/services]  (lib/scanners.sh)
set -uo pipefail

PEER=${1:-}; SCENARIO=${2:-}
usage() { echo "usage: $0 {sink|mtakit|mtakit-scan|mtakit-bare|mtakit-tier|postfix|exim|haraka|custom} {A|B|C|D|E}" >&2; exit 2; }
case "$PEER" in sink|mtakit|mtakit-scan|mtakit-bare|mtakit-tier|postfix|exim|haraka|custom) ;; *) usage ;; esac
PEER_LABEL=$PEER
if [ "$PEER" = custom ]; then
  [ -n "${PEER_CMD:-}" ] || { echo "PEER=custom needs PEER_CMD" >&2; exit 2; }
  PEER_LABEL=${PEER_NAME:-custom}
fi
case "$SCENARIO" in
  A) RCPTS=${RCPTS:-1};  REUSE=0 ;;
  B) RCPTS=${RCPTS:-20}; REUSE=0 ;;
  C) RCPTS=${RCPTS:-1};  REUSE=1 ;;
  D) RCPTS=${RCPTS:-1};  REUSE=0; SESSIONS=${SESSIONS:-500} ;;
  E) RCPTS=${RCPTS:-1};  REUSE=0; MSG_LEN=${MSG_LEN:-102400} ;;
  *) usage ;;
esac

HERE=$(cd "$(dirname "$0")" && pwd)
MSGS=${MSGS:-2000}
if [ "$PEER" = mtakit-scan ]; then
  # spamd needs ~0.2 CPU s per message: 2,000 would take minutes per batch on 2 cores; 500 measure as well.
  MSGS=${SCAN_MSGS:-$(( MSGS < 500 ? MSGS : 500 ))}
  TIMEOUT=${TIMEOUT:-600}
fi
SESSIONS=${SESSIONS:-10}   # D sets 500 above
MSG_LEN=${MSG_LEN:-5120}
WARMUP=${WARMUP:-100}
TIMEOUT=${TIMEOUT:-120}
LATENCY=${LATENCY:-1}
LAT_MSGS=${LAT_MSGS:-$MSGS}
LAT_PROBES=${LAT_PROBES:-300}
ROOT=$(cd "$HERE/../../.." && pwd)
KEEP=${KEEP:-0}
BENCH_TMP=${BENCH_TMP:-/tmp/mta-bench}
MTAKIT_HOST=${MTAKIT_HOST:-$BENCH_TMP/mtakit-host/MtaKit.LoadHost.dll}
HARAKA_PREFIX=${HARAKA_PREFIX:-/tmp/haraka}
EXIM_ROOT=${EXIM_ROOT:-/opt/exim}
HARAKA_NODES=${HARAKA_NODES:-1}
HARAKA_LOGLEVEL=${HARAKA_LOGLEVEL:-notice}
ACCEPT_ONLY=${ACCEPT_ONLY:-0}
SMTP_SOURCE=/usr/sbin/smtp-source
SMTP_SINK=/usr/sbin/smtp-sink
EXIM_BIN=$EXIM_ROOT/usr/sbin/exim4

log() { printf '[run %s/%s] %s\n' "$PEER_LABEL" "$SCENARIO" "$*" >&2; }
die() { log "ERROR: $*"; cleanup; release_sink_mount save; log "kept $RUN"; exit 1; }

[ "$(id -u)" = 0 ] || { echo "measure.sh must run as root (smtp-sink -u, postfix, exim)" >&2; exit 1; }
for b in "$SMTP_SOURCE" "$SMTP_SINK"; do [ -x "$b" ] || { echo "missing $b - run bench/load/setup.sh" >&2; exit 1; }; done

mkdir -p "$BENCH_TMP"
RUN=$(mktemp -d "$BENCH_TMP/$PEER_LABEL-$SCENARIO-$(date +%Y%m%d-%H%M%S)-XXXX")
chmod 755 "$RUN"

SINK_PID=""; PEER_PID=""; PFX_CONF=""
STARTED_PIDS=()

# ------------------------------------------------------------------ helpers
# Two distinct free TCP ports on 127.0.0.1, below the ephemeral range.
pick_ports() {
  perl -MIO::Socket::INET -e '
    my @p; my %seen;
    for (1..500) {
      my $port = 20000 + int(rand(10000));
      next if $seen{$port}++;
      my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $port,
                                    Proto => "tcp", Listen => 1, ReuseAddr => 0) or next;
      push @p, $port; close $s;
      last if @p == 2;
    }
    die "no free ports\n" unless @p == 2;
    print "@p\n";'
}

listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q "127.0.0.1:$1"; }

now_ms() { local t=${EPOCHREALTIME/./}; echo $(( t / 1000 )); }

wait_listen() {  # port seconds
  local end=$(( $(now_ms) + $2 * 1000 ))
  while [ "$(now_ms)" -lt "$end" ]; do listening "$1" && return 0; sleep 0.05; done
  listening "$1"
}

sink_mesg() {  # current mesg= value of the sink counter
  local v
  v=$(tail -c 200 "$RUN/sink.counter" 2>/dev/null | tr '\r' '\n' | grep -o 'mesg=[0-9]*' | tail -1 | cut -d= -f2)
  echo "${v:-0}"
}

sink_sess() {
  local v
  v=$(tail -c 200 "$RUN/sink.counter" 2>/dev/null | tr '\r' '\n' | grep -o 'sess=[0-9]*' | tail -1 | cut -d= -f2)
  echo "${v:-0}"
}

wait_sink() {  # target seconds
  local end=$(( $(now_ms) + $2 * 1000 ))
  while [ "$(now_ms)" -lt "$end" ]; do [ "$(sink_mesg)" -ge "$1" ] && return 0; sleep 0.1; done
  [ "$(sink_mesg)" -ge "$1" ]
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

stop_pid() {  # pid [grace seconds]
  local pid=$1 grace=${2:-10}
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null
  local end=$(( $(now_ms) + grace * 1000 ))
  while [ "$(now_ms)" -lt "$end" ]; do pid_alive "$pid" || break; sleep 0.05; done
  if pid_alive "$pid"; then log "pid $pid ignored SIGTERM, sending SIGKILL"; kill -KILL "$pid" 2>/dev/null; fi
  wait "$pid" 2>/dev/null
  return 0
}

# Processes that belong to this run: the command line names the run directory
# (exim children, haraka workers, the sink) or the environment carries
# MAIL_CONFIG=<this run's postfix config> (postfix daemons).  Listed so they can
# be stopped one PID at a time; never matched by program name.
run_pids() {
  {
    grep -lsF -- "$RUN" /proc/[0-9]*/cmdline
    [ -n "$PFX_CONF" ] && grep -lsF -- "MAIL_CONFIG=$PFX_CONF" /proc/[0-9]*/environ
  } 2>/dev/null | cut -d/ -f3 | sort -un | while read -r p; do
    [ "$p" = "$$" ] || [ "$p" = "$BASHPID" ] || echo "$p"
  done
}

children_of() {  # direct children of a pid
  ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '
}

stop_peer() {
  case "$PEER" in
    postfix)
      if [ -n "$PFX_CONF" ] && [ -f "$RUN/postfix/spool/pid/master.pid" ]; then
        local mpid
        mpid=$(tr -dc 0-9 < "$RUN/postfix/spool/pid/master.pid")
        postfix -c "$PFX_CONF" stop >/dev/null 2>&1 || true
        local end=$(( $(now_ms) + 10000 ))
        while [ "$(now_ms)" -lt "$end" ]; do pid_alive "$mpid" || break; sleep 0.05; done
        if pid_alive "$mpid"; then
          log "postfix master $mpid still running, 'postfix abort'"
          postfix -c "$PFX_CONF" abort >/dev/null 2>&1 || true
          sleep 1
          pid_alive "$mpid" && kill -KILL "$mpid"
        fi
      fi ;;
    exim|haraka|custom|mtakit|mtakit-scan|mtakit-bare|mtakit-tier)
      if pid_alive "$PEER_PID"; then
        local kids
        kids=$(children_of "$PEER_PID")
        stop_pid "$PEER_PID" 15
        local k
        for k in $kids; do stop_pid "$k" 5; done
      fi ;;
  esac
}

cleanup() {
  [ -n "${CLEANED:-}" ] && return 0
  CLEANED=1
  stop_peer
  stop_pid "$SINK_PID" 5
  local p
  for p in "${STARTED_PIDS[@]}"; do stop_pid "$p" 5; done
  for p in $(run_pids); do
    pid_alive "$p" || continue
    log "leftover pid $p ($(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | cut -c1-80)), stopping it"
    stop_pid "$p" 5
  done
}

release_sink_mount() {  # [save]  - optionally copy the dumps to disk, then unmount
  [ -n "$SINK_MOUNT" ] || return 0
  if [ "${1:-}" = save ]; then
    mkdir -p "$RUN/sink-saved" && cp -a "$SINK_MOUNT/." "$RUN/sink-saved/" 2>/dev/null
  fi
  umount "$SINK_MOUNT" 2>/dev/null || log "warning: umount $SINK_MOUNT failed"
  SINK_MOUNT=""
}
trap 'cleanup; release_sink_mount save; exit 130' INT TERM

# ------------------------------------------------------------------ sink
SINK_MOUNT=""
start_sink() {
  mkdir -p "$RUN/sink"
  # The sink's dump files go to a private tmpfs: on this VM's ext4, creating
  # thousands of dump files costs 0.2-0.75 ms of system CPU each, erratically,
  # and smtp-sink is single-threaded, so disk dumps would make the final hop
  # (shared by every peer) slow and noisy.  Peers' own spools stay on disk.
  if [ "${SINK_TMPFS:-1}" = 1 ]; then
    if mount -t tmpfs -o size=1g,mode=755 mta-bench-sink "$RUN/sink" 2>/dev/null; then
      SINK_MOUNT=$RUN/sink
    else
      log "warning: could not mount a tmpfs for the sink dumps; dumping to disk"
    fi
  fi
  mkdir -p "$RUN/sink/dump"
  chown nobody "$RUN/sink/dump"
  # -c: running counters on stdout; -d: one dump file per mail transaction
  # (used only for the delivery audit); -u: smtp-sink refuses to run as root.
  "$SMTP_SINK" -c -u nobody -d "$RUN/sink/dump/m." "127.0.0.1:$SINK_PORT" 1024 \
    > "$RUN/sink.counter" 2> "$RUN/sink.err" &
  SINK_PID=$!
  STARTED_PIDS+=("$SINK_PID")
  wait_listen "$SINK_PORT" 10 || die "smtp-sink did not listen on $SINK_PORT ($(cat "$RUN/sink.err"))"
}

# ------------------------------------------------------------------ postfix
start_postfix() {
  local d=$RUN/postfix
  PFX_CONF=$d/etc
  mkdir -p "$d/etc" "$d/spool" "$d/data"
  chown postfix "$d/data"
  cat > "$d/etc/main.cf" <<EOF
# Dedicated benchmark instance: durable queue-then-relay.  Every message is
# written to $d/spool by cleanup(8), fsync'ed, acknowledged, and then delivered
# by qmgr(8) + smtp(8) to the sink.  Throughput-relevant parameters are left at
# Postfix defaults (see bench/load/README.md).
compatibility_level = 3.6
queue_directory = $d/spool
data_directory = $d/data
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix.bench.invalid
mydomain = bench.invalid
myorigin = \$myhostname
mydestination =
local_recipient_maps =
local_transport = error:local delivery disabled
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:$SINK_PORT
smtpd_tls_security_level = none
smtp_tls_security_level = none
biff = no
maillog_file_prefixes = $d
maillog_file = $d/maillog
EOF
  # Optional experiment knob, e.g. POSTFIX_EXTRA='in_flow_delay = 0'
  [ -n "${POSTFIX_EXTRA:-}" ] && printf '%s\n' "$POSTFIX_EXTRA" >> "$d/etc/main.cf"
  # the project's master.cf (tests/services/postfix/master.cf: no chroot), with this run's listener
  sed "s/^@LISTEN@/127.0.0.1:$PEER_PORT/" "$ROOT/tests/services/postfix/master.cf" > "$d/etc/master.cf"
  # postfix(1) reports errors only to syslog/maillog unless stderr is a tty.
  postfix -c "$PFX_CONF" check > "$d/check.out" 2>&1 || die "postfix check failed: $(cat "$d/check.out"; tail -5 "$d/maillog" 2>/dev/null)"
  postfix -c "$PFX_CONF" start > "$d/start.out" 2>&1 || die "postfix start failed: $(tail -5 "$d/maillog" 2>/dev/null)"
  wait_listen "$PEER_PORT" 20 || die "postfix did not listen on $PEER_PORT: $(tail -5 "$d/maillog" 2>/dev/null)"
  PEER_PID=$(tr -dc 0-9 < "$d/spool/pid/master.pid")
}

# ------------------------------------------------------------------ exim
start_exim() {
  local d=$RUN/exim
  [ -x "$EXIM_BIN" ] || die "missing $EXIM_BIN - run bench/load/setup.sh"
  mkdir -p "$d/spool" "$d/log"
  chown -R Debian-exim:Debian-exim "$d/spool" "$d/log"
  cat > "$d/exim.conf" <<EOF
# Minimal relay: accept from 127.0.0.0/8, route everything to the sink,
# deliver immediately (Exim's default: each accepted message is handed to a
# freshly exec'ed delivery process right away; no queue_only).
# Reception fsyncs the -D (body) and -H (header) spool files before "250 OK".
exim_path = $EXIM_BIN
primary_hostname = exim.bench.invalid
spool_directory = $d/spool
log_file_path = $d/log/%slog
pid_file_path = $d/exim.pid
keep_environment =
daemon_smtp_ports = $PEER_PORT
local_interfaces = 127.0.0.1
# no reverse DNS, no ident (RFC 1413) callbacks, no TLS
host_lookup =
rfc1413_hosts =
rfc1413_query_timeout = 0s
tls_advertise_hosts =
# default 10: messages after the 10th on one connection would only be queued
smtp_accept_queue_per_connection = 0
# default 20 simultaneous connections; scenario D opens 500
smtp_accept_max = 1000
acl_smtp_rcpt = acl_check_rcpt

begin acl
acl_check_rcpt:
  accept hosts = 127.0.0.0/8
  deny   message = relay not permitted

begin routers
to_sink:
  driver = manualroute
  route_list = * 127.0.0.1
  # 127.0.0.1 is "this host"; without self=send Exim would freeze the message
  self = send
  transport = to_sink_smtp
  no_more

begin transports
to_sink_smtp:
  driver = smtp
  port = $SINK_PORT
  allow_localhost
  hosts_avoid_tls = *

begin retry
*  *  F,2m,2s
EOF
  chmod 644 "$d/exim.conf"
  # -bdf: daemon in the foreground; -q10s: a queue runner, only matters for
  # deferred messages.  Started as root; because of -C Exim drops to the
  # Debian-exim user ("exim user lost privilege for using -C option").
  (cd "$d" && exec "$EXIM_BIN" -C "$d/exim.conf" -bdf -q10s) > "$d/daemon.out" 2>&1 &
  PEER_PID=$!
  STARTED_PIDS+=("$PEER_PID")
  wait_listen "$PEER_PORT" 20 || die "exim did not listen on $PEER_PORT: $(cat "$d/daemon.out"; cat "$d/log/paniclog" 2>/dev/null | tail -3)"
}

# ------------------------------------------------------------------ haraka
start_haraka() {
  local d=$RUN/haraka
  local hbin=$HARAKA_PREFIX/node_modules/Haraka/bin/haraka
  [ -f "$hbin" ] || die "missing $hbin - run bench/load/setup.sh"
  # Stock instance layout (config/connection.ini etc.), then our overrides.
  node "$hbin" -i "$d" > "$RUN/haraka-install.out" 2>&1 || die "haraka -i failed: $(tail -5 "$RUN/haraka-install.out")"
  echo "haraka.bench.invalid" > "$d/config/me"
  cat > "$d/config/smtp.ini" <<EOF
listen=127.0.0.1:$PEER_PORT
nodes=$HARAKA_NODES
force_shutdown_timeout=10
EOF
  cat > "$d/config/log.ini" <<EOF
[main]
level=$HARAKA_LOGLEVEL
timestamps=true
format=default
EOF
  # bench_no_rdns: answers the lookup_rdns hook itself; otherwise Haraka's core
  # does dns.reverse() on every client IP, i.e. sends DNS queries off-box.
  # relay: connection ACL - clients in 127.0.0.0/8 may relay.
  # queue/smtp_forward: forwards each message to the sink while the client
  # waits (the client's "250" is the sink's "250"); nothing is spooled to disk.
  cat > "$d/config/plugins" <<EOF
bench_no_rdns
relay
queue/smtp_forward
EOF
  cat > "$d/plugins/bench_no_rdns.js" <<'EOF'
// Benchmark helper: skip the core reverse-DNS lookup (no off-box DNS traffic).
exports.register = function () {
    this.register_hook('lookup_rdns', 'no_rdns')
}
exports.no_rdns = function (next, connection) {
    next(OK, 'localhost')
}
EOF
  cat > "$d/config/relay.ini" <<EOF
[relay]
acl=true
force_routing=false
dest_domains=false
EOF
  echo "127.0.0.0/8" > "$d/config/relay_acl_allow"
  cat > "$d/config/smtp_forward.ini" <<EOF
host=127.0.0.1
port=$SINK_PORT
enable_tls=false
; relaying connections go through the queue_outbound hook
enable_outbound=true
EOF
  (cd "$d" && exec node "$hbin" -c "$d") > "$d/haraka.log" 2>&1 &
  PEER_PID=$!
  STARTED_PIDS+=("$PEER_PID")
  wait_listen "$PEER_PORT" 30 || die "haraka did not listen on $PEER_PORT: $(tail -20 "$d/haraka.log")"
}

# ------------------------------------------------------------------ mtakit
# MtaKit.LoadHost (bench/MtaKit.LoadHost, built by run.sh): relay or tier, configuration pinned in
# bench/load/relay.json / tier.json; only ports and paths are overridden here. The run directory
# appears on the command line, so run_pids finds the process.
start_mtakit() {  # relay|bare|tier [scan]
  local role=$1 d=$RUN/mtakit
  [ -f "$MTAKIT_HOST" ] || die "missing $MTAKIT_HOST - run bench/load/run.sh (it builds the host)"
  mkdir -p "$d/tmp"
  local args=(--MtaKit:Listeners:smtp:Endpoint="127.0.0.1:$PEER_PORT"
              --MtaKit:Routing:Routes:0:NextHops:0:Address="127.0.0.1:$SINK_PORT"
              --MtaKit:TempDirectory="$d/tmp")
  local cfgs=()
  if [ "$role" != tier ]; then
    cfgs+=(--config="$HERE/../relay.json")
    args+=(--MtaKit:Dns:StaticZoneFiles:0="$HERE/../bench.zone")
  else
    cfgs+=(--config="$HERE/../tier.json")
    args+=(--MtaKit:Queue:SpoolPath="$d/spool")
  fi
  if [ "${2:-}" = scan ]; then
    cfgs+=(--config="$HERE/../relay-scan.json")
    args+=(--MtaKit:Scanning:Clamd:Endpoints:0:Address="127.0.0.1:$BENCH_CLAMD_PORT"
           --MtaKit:Scanning:Spamd:Endpoints:0:Address="127.0.0.1:$BENCH_SPAMD_PORT")
  fi
  MTAKIT_STATS=$d/alloc.stats   # BenchStats.cs: exact managed allocation total, rewritten every 100 ms
  # The relay roles run socket continuations on the socket engine's thread (MTAKIT_INLINE=0 turns it off):
  # the relay does no blocking work, and the thread-pool hop per socket event cost 25-45 % of its
  # throughput here (docs/performance.md "Runtime settings"). Not for the tier: its fsyncs block.
  local inline=0
  [ "$role" != tier ] && inline=${MTAKIT_INLINE:-1}
  (cd "$d" && MTAKIT_BENCH_STATS=$MTAKIT_STATS DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=$inline \
     exec dotnet "$MTAKIT_HOST" "$role" "${cfgs[@]}" "${args[@]}" ${MTAKIT_ARGS:-}) > "$d/peer.log" 2>&1 &
  PEER_PID=$!
  STARTED_PIDS+=("$PEER_PID")
  wait_listen "$PEER_PORT" 60 || die "mtakit $role did not listen on $PEER_PORT: $(tail -20 "$d/peer.log")"
}

# ------------------------------------------------------------------ scanners (mtakit-scan)
# clamd and spamd, shared by every mtakit-scan cell of a run: lib/scanners.sh starts them once (run.sh
# calls it before the loop, so this returns at once) and they stay up; their ports come back as
# BENCH_CLAMD_PORT/BENCH_SPAMD_PORT, their pids as BENCH_CLAMD_PID/BENCH_SPAMD_PID.
SCANNER_PIDS=""
start_scanners() {
  local out
  out=$(bash "$HERE/scanners.sh" start 2> "$RUN/scanners.err") || die "clamd/spamd did not start: $(tail -5 "$RUN/scanners.err")"
  eval "$out"
  SCANNER_PIDS="$BENCH_CLAMD_PID $BENCH_SPAMD_PID"
  log "scanners: clamd 127.0.0.1:$BENCH_CLAMD_PORT (pid $BENCH_CLAMD_PID), spamd 127.0.0.1:$BENCH_SPAMD_PORT (pid $BENCH_SPAMD_PID)"
}
# The daemons and their children (spamd's preforked children).
scanner_pids() {
  local p
  for p in $SCANNER_PIDS; do pid_alive "$p" && { echo "$p"; children_of "$p"; }; done | sort -un
}

# ------------------------------------------------------------------ peer resources
# The peer's processes: PEER_PID and everything of this run except the sink and this script. For
# mtakit-scan, clamd's and spamd's CPU (lib/treecpu.pl, which follows spamd's changing children) and
# peak RSS are added: their work is part of what that row measures.
peer_pids() {
  { [ -n "$PEER_PID" ] && echo "$PEER_PID"; run_pids; } | sort -un | while read -r p; do
    [ "$p" = "$SINK_PID" ] || echo "$p"
  done
}
# utime+stime+cutime+cstime of the peer's processes, in clock ticks.
peer_cpu_ticks() { cpu_ticks_of $(peer_pids); }
# utime+stime+cutime+cstime of the given processes, in clock ticks.
cpu_ticks_of() {
  local p t=0 v
  for p in "$@"; do
    v=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$p/stat" 2>/dev/null) || continue
    t=$(( t + ${v:-0} ))
  done
  echo "$t"
}
# Sum of VmHWM (peak RSS) over the peer's live processes (and the scanners'), in kB.
peer_hwm_kb() {
  local p t=0 v
  for p in $(peer_pids) $(scanner_pids); do
    v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
    t=$(( t + ${v:-0} ))
  done
  echo "$t"
}

# ------------------------------------------------------------------ custom
start_custom() {
  local d=$RUN/custom cmd
  mkdir -p "$d"
  cmd=${PEER_CMD//\{PORT\}/$PEER_PORT}
  cmd=${cmd//\{SINK_PORT\}/$SINK_PORT}
  log "custom peer: $cmd"
  (cd "$d" && exec bash -c "exec $cmd") > "$d/peer.log" 2>&1 &
  PEER_PID=$!
  STARTED_PIDS+=("$PEER_PID")
  wait_listen "$PEER_PORT" 60 || die "custom peer did not listen on $PEER_PORT: $(tail -20 "$d/peer.log")"
}

# ------------------------------------------------------------------ fsync census
CENSUS_PID=""
census_start() {
  command -v strace >/dev/null || die "FSYNC_CENSUS=1 needs strace (apt-get install strace)"
  local pids=() p
  pids+=("$PEER_PID")
  for p in $(run_pids); do [ "$p" != "$SINK_PID" ] && pids+=("$p"); done
  local args=()
  for p in $(printf '%s\n' "${pids[@]}" | sort -un); do args+=(-p "$p"); done
  strace -f -c -e trace=fsync,fdatasync,sync_file_range,syncfs,sync -o "$RUN/census.txt" "${args[@]}" 2> "$RUN/census.err" &
  CENSUS_PID=$!
  sleep 1
}
census_stop() {
  [ -n "$CENSUS_PID" ] || return 0
  kill -INT "$CENSUS_PID" 2>/dev/null
  wait "$CENSUS_PID" 2>/dev/null
  local f d
  f=$(awk '$NF == "fsync" {print $4}' "$RUN/census.txt" 2>/dev/null)
  d=$(awk '$NF == "fdatasync" {print $4}' "$RUN/census.txt" 2>/dev/null)
  CENSUS_INFO="census=1 fsync_calls=${f:-0} fdatasync_calls=${d:-0}"
  CENSUS_INFO="$CENSUS_INFO fsyncs_per_msg=$(awk -v a="${f:-0}" -v b="${d:-0}" -v n="$MSGS" 'BEGIN{printf "%.2f", (a+b)/n}')"
  log "census: $(tr '\n' ' ' < "$RUN/census.txt" | tr -s ' ')"
}

# ------------------------------------------------------------------ main
read -r SINK_PORT PEER_PORT < <(pick_ports) || die "could not pick ports"
log "run dir $RUN; sink 127.0.0.1:$SINK_PORT, peer 127.0.0.1:$PEER_PORT"
start_sink
case "$PEER" in
  sink)    TARGET_PORT=$SINK_PORT ;;
  postfix) start_postfix; TARGET_PORT=$PEER_PORT ;;
  exim)    start_exim;    TARGET_PORT=$PEER_PORT ;;
  haraka)  start_haraka;  TARGET_PORT=$PEER_PORT ;;
  custom)  start_custom;  TARGET_PORT=$PEER_PORT ;;
  mtakit)  start_mtakit relay; TARGET_PORT=$PEER_PORT ;;
  mtakit-scan) start_scanners; start_mtakit relay scan; TARGET_PORT=$PEER_PORT ;;
  mtakit-bare) start_mtakit bare; TARGET_PORT=$PEER_PORT ;;
  mtakit-tier) start_mtakit tier; TARGET_PORT=$PEER_PORT ;;
esac
log "peer up (pid ${PEER_PID:-none}); target 127.0.0.1:$TARGET_PORT"

SRC_ARGS=(-s "$SESSIONS" -l "$MSG_LEN" -r "$RCPTS" -M client.bench.invalid)
[ "$REUSE" = 1 ] && SRC_ARGS+=(-d)

if [ "$WARMUP" -gt 0 ]; then
  log "warm-up: $WARMUP messages"
  "$SMTP_SOURCE" "${SRC_ARGS[@]}" -m "$WARMUP" -f warmup@client.bench.invalid \
      -t rcpt@dest.bench.invalid "127.0.0.1:$TARGET_PORT" > "$RUN/warmup.out" 2>&1 \
    || log "warm-up smtp-source exited non-zero: $(tail -2 "$RUN/warmup.out")"
  if [ "$ACCEPT_ONLY" != 1 ]; then
    wait_sink "$WARMUP" 60 || die "warm-up: sink saw only $(sink_mesg)/$WARMUP messages in 60 s"
  fi
  sleep 1   # let relays finish post-delivery bookkeeping before the clock starts
  mv "$RUN/sink/dump" "$RUN/sink/dump.warmup"
  mkdir -p "$RUN/sink/dump"; chown nobody "$RUN/sink/dump"
fi
CENSUS_INFO=""
[ "${FSYNC_CENSUS:-0}" = 1 ] && [ "$PEER" != sink ] && census_start
BASE=$(sink_mesg)
BASE_SESS=$(sink_sess)
CPU0=0; [ "$PEER" != sink ] && CPU0=$(peer_cpu_ticks)
mtakit_allocated() { [ -n "${MTAKIT_STATS:-}" ] && [ -s "$MTAKIT_STATS" ] && cut -d' ' -f1 "$MTAKIT_STATS"; }
ALLOC0=$(mtakit_allocated)
TREECPU_PID=""
if [ -n "$SCANNER_PIDS" ]; then
  perl "$HERE/treecpu.pl" $SCANNER_PIDS > "$RUN/scanners.cpu" &
  TREECPU_PID=$!
  STARTED_PIDS+=("$TREECPU_PID")
fi

LOAD1=$(cut -d' ' -f1 /proc/loadavg)
log "measured batch: $MSGS messages x $RCPTS rcpt, $SESSIONS sessions, reuse=$REUSE"
EXPECT=$MSGS
[ "$ACCEPT_ONLY" = 1 ] && EXPECT=0
DRIVE=$(perl "$HERE/drive.pl" "$RUN/sink.counter" "$BASE" "$EXPECT" "$TIMEOUT" "$RUN/source.out" -- \
          "$SMTP_SOURCE" "${SRC_ARGS[@]}" -m "$MSGS" -f bench@client.bench.invalid \
          -t rcpt@dest.bench.invalid "127.0.0.1:$TARGET_PORT")
log "driver: $DRIVE"
eval "$(echo "$DRIVE" | tr ' ' '\n' | grep -E '^[a-z_]+=[0-9.A-Z-]+$' | sed 's/^/D_/')"

CPU1=0; [ "$PEER" != sink ] && CPU1=$(peer_cpu_ticks)
SCAN_TICKS=0
if [ -n "$TREECPU_PID" ]; then
  kill -TERM "$TREECPU_PID"; wait "$TREECPU_PID"
  SCAN_TICKS=$(cat "$RUN/scanners.cpu"); SCAN_TICKS=${SCAN_TICKS:-0}
fi
log "cpu ticks: peer $CPU0 -> $CPU1 (pids $(peer_pids | tr '\n' ' '))${SCANNER_PIDS:+, scanners +$SCAN_TICKS (pids $(scanner_pids | tr '\n' ' '))}"
HWM_KB=0; [ "$PEER" != sink ] && HWM_KB=$(peer_hwm_kb)
HZ=$(getconf CLK_TCK)
PEER_CPU=$(awk -v a="$CPU0" -v b="$CPU1" -v s="$SCAN_TICKS" -v hz="$HZ" -v n="$MSGS" 'BEGIN { printf "%.2f", (b - a + s) / hz * 1000 / n }')
PEER_RSS=$(awk -v k="$HWM_KB" 'BEGIN { printf "%.0f", k / 1024 }')
SCANNER_INFO=""
[ -n "$SCANNER_PIDS" ] && SCANNER_INFO=" scanners_cpu_s_per_1000=$(awk -v s="$SCAN_TICKS" -v hz="$HZ" -v n="$MSGS" 'BEGIN { printf "%.2f", s / hz * 1000 / n }')"
# Give a relay that delivered more than expected (duplicates) a moment, then audit.
sleep 0.5
ALLOC_INFO=""
ALLOC1=$(mtakit_allocated)   # >= 0.4 s after the batch: the 100 ms stats file is current, the relay idle
if [ -n "$ALLOC0" ] && [ -n "$ALLOC1" ]; then
  ALLOC_INFO=" alloc_kb_per_msg=$(awk -v a="$ALLOC0" -v b="$ALLOC1" -v n="$MSGS" 'BEGIN { printf "%.1f", (b - a) / 1024 / n }')"
fi
census_stop
SINK_SESS=$(( $(sink_sess) - BASE_SESS ))
AUDIT=$(find "$RUN/sink/dump" -type f -print0 | xargs -0 -r cat | awk -f "$HERE/verify.awk")
log "audit: $AUDIT"
eval "$(echo "$AUDIT" | tr ' ' '\n' | grep -E '^[a-z_]+=[0-9]+$' | sed 's/^/V_/')"
if [ -s "$RUN/source.out" ]; then log "smtp-source output: $(tail -3 "$RUN/source.out" | tr '\n' ' ')"; fi

LAT_INFO="p50_ms=NA p99_ms=NA"
if [ "$LATENCY" = 1 ] && [ "$ACCEPT_ONLY" != 1 ] && [ "$LAT_MSGS" -gt 0 ]; then
  log "latency phase: $LAT_MSGS background messages + probe"
  "$SMTP_SOURCE" "${SRC_ARGS[@]}" -m "$LAT_MSGS" -f lat@client.bench.invalid \
      -t rcpt@dest.bench.invalid "127.0.0.1:$TARGET_PORT" > "$RUN/latency-source.out" 2>&1 &
  LAT_SRC=$!
  LAT=$(perl "$HERE/probe.pl" 127.0.0.1 "$TARGET_PORT" "$MSG_LEN" "$RCPTS" "$REUSE" "$LAT_PROBES" "$LAT_SRC" 2> "$RUN/probe.err")
  wait "$LAT_SRC" 2>/dev/null
  log "probe: $LAT $(tail -2 "$RUN/probe.err" | tr '\n' ' ')"
  [ -n "$LAT" ] && LAT_INFO=$LAT
fi

PEER_INFO=""
case "$PEER" in
  postfix) PEER_INFO="deferred=$(grep -c 'status=deferred' "$RUN/postfix/maillog" 2>/dev/null)" ;;
  exim)    PEER_INFO="deferred=$(grep -c ' == ' "$RUN/exim/log/mainlog" 2>/dev/null)" ;;
  haraka)  PEER_INFO="errors=$(grep -ciE '\[(error|crit)\]' "$RUN/haraka/haraka.log" 2>/dev/null)" ;;
  mtakit-scan) PEER_INFO="scan_defers=$(grep -c 'ScanStage\[3201\]' "$RUN/mtakit/peer.log" 2>/dev/null)" ;;
esac

cleanup

MODE_INFO=""
[ "$ACCEPT_ONLY" = 1 ] && MODE_INFO=" mode=accept_only"
STATUS=ok
add_status() { if [ "$STATUS" = ok ]; then STATUS=$1; else STATUS="$STATUS+$1"; fi; }
if [ "$ACCEPT_ONLY" = 1 ]; then
  SECONDS_MEAS=${D_accept_seconds:-NA}     # clock stops when smtp-source is done
else
  SECONDS_MEAS=${D_deliver_seconds:-NA}    # clock stops when the sink has everything
fi
if [ "${D_timed_out:-1}" = 1 ] || [ "$SECONDS_MEAS" = NA ]; then
  RATE=NA; add_status timeout
else
  RATE=$(awk -v n="$MSGS" -v s="$SECONDS_MEAS" 'BEGIN { printf (n / s < 100 ? "%.1f" : "%.0f"), n / s }')
fi
if [ "$ACCEPT_ONLY" != 1 ]; then
  if [ "${V_unique_msgs:-0}" -lt "$MSGS" ] || [ "${V_unique_rcpt_deliveries:-0}" -lt $((MSGS * RCPTS)) ]; then
    add_status incomplete
  fi
  [ "${V_duplicate_deliveries:-0}" -gt 0 ] && add_status duplicates
fi
[ "${D_source_rc:-1}" != 0 ] && add_status "source_rc=${D_source_rc:-?}"

if [ "$KEEP" = 1 ] || [ "$STATUS" != ok ]; then
  release_sink_mount save
  log "kept $RUN"
else
  release_sink_mount
  rm -rf "$RUN"
fi

echo "peer=$PEER_LABEL scenario=$SCENARIO msgs=$MSGS rcpts_per_msg=$RCPTS delivered=${V_unique_msgs:-0}" \
     "rcpt_deliveries=${V_unique_rcpt_deliveries:-0} duplicates=${V_duplicate_deliveries:-0}" \
     "seconds=$SECONDS_MEAS msgs_per_s=$RATE accept_seconds=${D_accept_seconds:-NA}" \
     "sink_sessions=$SINK_SESS$MODE_INFO cpu_busy_pct=${D_cpu_busy_pct:-NA}" \
     "peer_cpu_s_per_1000=$PEER_CPU$SCANNER_INFO$ALLOC_INFO peak_rss_mb=$PEER_RSS $LAT_INFO load1=$LOAD1 $PEER_INFO${CENSUS_INFO:+ $CENSUS_INFO} status=$STATUS"
[ "$STATUS" = ok ]
