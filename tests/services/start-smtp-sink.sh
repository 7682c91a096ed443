#!/bin/bash
# Postfix smtp-sink (the test SMTP server from package postfix, run as a plain binary, not as the
# system MTA) on 127.0.0.1:$SMTP_SINK_PORT, dumping every transaction to a file in a temp dir.
# usage: start-smtp-sink.sh [start|stop|status|restart|install]     (default: start)
# env:   SMTP_SINK_PORT (12526)  SMTP_SINK_DIR ($MTA_SVC_DIR/smtp-sink)
# stdout: SMTP_SINK_HOST=… SMTP_SINK_PORT=… SMTP_SINK_PID=… SMTP_SINK_DIR=… SMTP_SINK_DUMP=…  (eval-able)
# EHLO (Postfix 3.7 smtp-sink): PIPELINING 8BITMIME AUTH PLAIN LOGIN XCLIENT XFORWARD
# ENHANCEDSTATUSCODES DSN, then an empty "250 " last line; no SIZE, CHUNKING or SMTPUTF8.
# Replies: MAIL "250 2.1.0 Ok", RCPT "250 2.1.5 Ok", end of data "250 2.0.0 Ok" (no queue id).
# It accepts everything; each transaction is dumped to $SMTP_SINK_DUMP/m.<random hex> as
# X-Client-Addr/X-Client-Proto/X-Helo-Args/X-Mail-Args/X-Rcpt-Args headers and a Received:
# header in front of the message as received (dot-unstuffed), but with LF line endings and one
# extra LF at the end (compare after CRLF -> LF; byte-exact checks need an in-test server).
# Installing package postfix must not start the system Postfix: the install runs with a
# policy-rc.d that refuses every service start (see _lib.sh).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SVC_NAME=smtp-sink
# shellcheck source=_lib.sh
. "$HERE/_lib.sh"

PORT="${SMTP_SINK_PORT:-12526}"
DIR="${SMTP_SINK_DIR:-$MTA_SVC_DIR/smtp-sink}"
PIDF="$DIR/smtp-sink.pid"
BIN=/usr/sbin/smtp-sink

sink_ping() {
  greets_220 "$PORT"
}

print_env() {
  echo "SMTP_SINK_HOST=127.0.0.1"
  echo "SMTP_SINK_PORT=$PORT"
  echo "SMTP_SINK_PID=$(head -n1 "$PIDF" | tr -dc '0-9')"
  echo "SMTP_SINK_DIR=$DIR"
  echo "SMTP_SINK_DUMP=$DIR/dump"
}

install() { [ -x "$BIN" ] || apt_install postfix; }

start() {
  if pid_alive "$PIDF" && sink_ping; then log "already running on 127.0.0.1:$PORT"; print_env; return 0; fi
  install
  [ -f "$PIDF" ] && stop_pidfile "$PIDF" 5
  tcp_port_free "$PORT" || die "127.0.0.1:$PORT is already in use by another process"
  mkdir -p "$DIR/dump"
  local user=()
  if [ "$(id -u)" = 0 ]; then chown nobody "$DIR/dump"; user=(-u nobody); fi
  local t0; t0=$(now_s)
  # -h: fixed name; -d: one dump file per transaction; 256 = listen backlog.
  setsid "$BIN" "${user[@]}" -h sink.example.test -d "$DIR/dump/m." "127.0.0.1:$PORT" 256 \
    > "$DIR/smtp-sink.log" 2>&1 < /dev/null &
  echo $! > "$PIDF"
  if ! wait_until 10 sink_ping; then tail -n 20 "$DIR/smtp-sink.log" >&2 || true; die "smtp-sink did not greet"; fi
  log "listening on 127.0.0.1:$PORT (pid $(cat "$PIDF"), ready in $(elapsed "$t0")s)"
  print_env
}

stop() { stop_pidfile "$PIDF" 5; }

status() {
  if pid_alive "$PIDF" && sink_ping; then log "running on 127.0.0.1:$PORT"; print_env; else log "not running"; return 1; fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  install) install ;;
  *) die "usage: $0 [start|stop|status|restart|install]" ;;
esac
