#!/bin/bash
# A private Postfix instance (package postfix, run with `postfix -c DIR`, not the system MTA) on
# 127.0.0.1:$POSTFIX_PORT, for interop tests: Postfix as a SENDING MTA into an MtaKit relay and as
# a NEXT HOP behind one.
# usage: start-postfix.sh [start|stop|status|restart|install]     (default: start)
# env:   POSTFIX_PORT (12527)  POSTFIX_DIR ($MTA_SVC_DIR/postfix)
# stdout: POSTFIX_HOST=… POSTFIX_PORT=… POSTFIX_PID=… POSTFIX_DIR=… POSTFIX_ROUTE_SUFFIX=port.test
# Routing: a recipient <anything@pNNNNN.port.test> is relayed over SMTP to 127.0.0.1:NNNNN (a
# generated transport map), so each test picks its own destination port; nothing else is routed
# (no local delivery, no DNS). Clients on 127.0.0.0/8 may relay (mynetworks).
# Hostile-input settings: smtpd_forbid_bare_newline = no with no exclusions, so this Postfix is
# the most permissive receiver (a bare LF ends a line, "\n.\n" ends DATA): a relay in front of it
# must never send anything it could read as two messages.
# TLS: smtpd offers STARTTLS with a self-signed certificate (may), the smtp client uses STARTTLS
# when offered (may, no verification). No header rewriting for any client; Postfix only adds
# its Received header.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SVC_NAME=postfix
# shellcheck source=_lib.sh
. "$HERE/_lib.sh"

PORT="${POSTFIX_PORT:-12527}"
DIR="${POSTFIX_DIR:-$MTA_SVC_DIR/postfix}"
CONF="$DIR/etc"

postfix_ping() {
  greets_220 "$PORT"
}

master_pid() { [ -f "$DIR/spool/pid/master.pid" ] && tr -dc '0-9' < "$DIR/spool/pid/master.pid" || true; }

print_env() {
  echo "POSTFIX_HOST=127.0.0.1"
  echo "POSTFIX_PORT=$PORT"
  echo "POSTFIX_PID=$(master_pid)"
  echo "POSTFIX_DIR=$DIR"
  echo "POSTFIX_ROUTE_SUFFIX=port.test"
}

install() {
  if [ ! -x /usr/sbin/postfix ]; then
    # "No configuration": the system instance stays unconfigured and is never started.
    if [ "$(id -u)" = 0 ] && command -v debconf-set-selections >/dev/null; then
      echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    fi
    apt_install postfix
  fi
  command -v openssl >/dev/null || apt_install openssl
}

running() { local p; p=$(master_pid); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

start() {
  if running && postfix_ping; then log "already running on 127.0.0.1:$PORT"; print_env; return 0; fi
  [ "$(id -u)" = 0 ] || die "Postfix's master must start as root (it drops to user postfix)"
  install
  running && stop
  tcp_port_free "$PORT" || die "127.0.0.1:$PORT is already in use by another process"
  mkdir -p "$CONF" "$DIR/spool" "$DIR/data" "$DIR/tls"
  chmod 755 "$DIR"
  chown postfix "$DIR/data"
  if [ ! -s "$DIR/tls/cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=postfix.interop.test" \
      -keyout "$DIR/tls/key.pem" -out "$DIR/tls/cert.pem" >/dev/null 2>&1 || die "openssl failed"
    chmod 644 "$DIR/tls/cert.pem"; chmod 600 "$DIR/tls/key.pem"
  fi
  # Postfix forbids $1 substitution in transport maps: list every port instead (in memory).
  [ -s "$CONF/transport" ] || awk 'BEGIN { for (p = 1024; p < 65536; p++) printf "p%d.port.test smtp:[127.0.0.1]:%d\n", p, p }' > "$CONF/transport"
  cat > "$CONF/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $DIR/spool
data_directory = $DIR/data
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix.interop.test
mydomain = interop.test
myorigin = \$myhostname
mydestination =
local_recipient_maps =
local_transport = error:local delivery disabled
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relay_domains = port.test
transport_maps = texthash:$CONF/transport
default_transport = error:only pNNNNN.port.test is routed
relay_transport = error:only pNNNNN.port.test is routed
local_header_rewrite_clients =
always_add_missing_headers = no
smtpd_forbid_bare_newline = no
smtpd_forbid_bare_newline_exclusions =
smtpd_tls_security_level = may
smtpd_tls_cert_file = $DIR/tls/cert.pem
smtpd_tls_key_file = $DIR/tls/key.pem
smtp_tls_security_level = may
smtp_tls_loglevel = 1
smtpd_recipient_limit = 20000
maximal_queue_lifetime = 1h
bounce_queue_lifetime = 1h
smtp_connection_cache_on_demand = no
biff = no
maillog_file_prefixes = $DIR
maillog_file = $DIR/maillog
EOF
  sed "s/^@LISTEN@/127.0.0.1:$PORT/" "$HERE/postfix/master.cf" > "$CONF/master.cf"
  local t0; t0=$(now_s)
  postfix -c "$CONF" check >"$DIR/check.out" 2>&1 || die "postfix check failed: $(cat "$DIR/check.out")"
  postfix -c "$CONF" start >"$DIR/start.out" 2>&1 || die "postfix start failed: $(tail -n 5 "$DIR/maillog" 2>/dev/null)"
  wait_until 20 postfix_ping || die "postfix did not greet on $PORT: $(tail -n 5 "$DIR/maillog" 2>/dev/null)"
  log "listening on 127.0.0.1:$PORT (master pid $(master_pid), ready in $(elapsed "$t0")s)"
  print_env
}

stop() {
  running || { log "not running"; return 0; }
  local pid; pid=$(master_pid)
  postfix -c "$CONF" stop >/dev/null 2>&1 || true
  local i
  for ((i = 0; i < 200; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
  postfix -c "$CONF" abort >/dev/null 2>&1 || true
  kill -KILL "$pid" 2>/dev/null || true
}

status() {
  if running && postfix_ping; then log "running on 127.0.0.1:$PORT"; print_env; else log "not running"; return 1; fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  install) install ;;
  *) die "usage: $0 [start|stop|status|restart|install]" ;;
esac
