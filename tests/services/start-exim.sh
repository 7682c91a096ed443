#!/bin/bash
# A private Exim 4.96 daemon (Debian's exim4-daemon-light, unpacked with dpkg -x into $EXIM_ROOT
# because package exim4 conflicts with postfix) on 127.0.0.1:$EXIM_PORT, for interop tests: Exim
# as a SENDING MTA into an MtaKit relay and as a NEXT HOP behind one.
# usage: start-exim.sh [start|stop|status|restart|install]     (default: start)
# env:   EXIM_PORT (12528)  EXIM_DIR ($MTA_SVC_DIR/exim)  EXIM_ROOT (/opt/exim)
# stdout: EXIM_HOST=… EXIM_PORT=… EXIM_PID=… EXIM_DIR=… EXIM_ROUTE_SUFFIX=port.test
# Routing: a recipient <anything@pNNNNN.port.test> is delivered over SMTP to 127.0.0.1:NNNNN
# (manualroute + a transport port expanded from the domain); everything else is refused.
# Clients on 127.0.0.0/8 may relay. No DNS (host_lookup empty), no ident.
# Each accepted message is delivered at once by a fresh delivery process (Exim's default).
# TLS: the daemon offers STARTTLS with a self-signed certificate; the transport uses STARTTLS
# when offered, without verification. Exim adds its Received header (and nothing else: every
# test message carries Message-ID, Date and From).
# Runs with -C, so Exim drops root and runs as Debian-exim (created here as the package would).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SVC_NAME=exim
# shellcheck source=_lib.sh
. "$HERE/_lib.sh"

PORT="${EXIM_PORT:-12528}"
DIR="${EXIM_DIR:-$MTA_SVC_DIR/exim}"
EXIM_ROOT="${EXIM_ROOT:-/opt/exim}"
BIN="$EXIM_ROOT/usr/sbin/exim4"
PIDF="$DIR/exim.pid"

exim_ping() {
  greets_220 "$PORT"
}

print_env() {
  echo "EXIM_HOST=127.0.0.1"
  echo "EXIM_PORT=$PORT"
  echo "EXIM_PID=$(head -n1 "$PIDF" | tr -dc '0-9')"
  echo "EXIM_DIR=$DIR"
  echo "EXIM_ROUTE_SUFFIX=port.test"
}

install() {
  [ "$(id -u)" = 0 ] || die "need root to unpack Exim and create its user"
  if [ ! -x "$BIN" ]; then
    local debs; debs=$(mktemp -d /tmp/exim-debs.XXXXXX)
    log "apt-get download exim4-base exim4-daemon-light exim4-config -> $debs"
    (cd "$debs" && { apt-get -o DPkg::Lock::Timeout=900 download exim4-base exim4-daemon-light exim4-config >&2 \
      || { apt-get -o DPkg::Lock::Timeout=900 update >&2; apt-get download exim4-base exim4-daemon-light exim4-config >&2; }; }) \
      || die "apt-get download failed"
    mkdir -p "$EXIM_ROOT"
    local deb
    for deb in "$debs"/*.deb; do dpkg -x "$deb" "$EXIM_ROOT"; done
    rm -rf "$debs"
  fi
  # Libraries the unpacked binary links against that a Postfix machine may lack.
  local lib pkgs=()
  for lib in $(LD_LIBRARY_PATH='' ldd "$BIN" 2>/dev/null | awk '/not found/{print $1}'); do
    case "$lib" in
      libidn.so.12*) pkgs+=(libidn12) ;;
      libdb-5.3.so*) pkgs+=(libdb5.3) ;;
      libgnutls-dane.so*) pkgs+=(libgnutls-dane0) ;;
      libnsl.so.2*) pkgs+=(libnsl2) ;;
      *) die "unknown missing library for exim: $lib" ;;
    esac
  done
  [ ${#pkgs[@]} -eq 0 ] || apt_install "${pkgs[@]}"
  if ! getent passwd Debian-exim >/dev/null; then
    getent group Debian-exim >/dev/null || groupadd --system Debian-exim
    useradd --system --gid Debian-exim --home-dir /var/spool/exim4 --no-create-home --shell /usr/sbin/nologin Debian-exim
  fi
  command -v openssl >/dev/null || apt_install openssl
}

start() {
  if pid_alive "$PIDF" && exim_ping; then log "already running on 127.0.0.1:$PORT"; print_env; return 0; fi
  install
  [ -f "$PIDF" ] && stop_pidfile "$PIDF" 5
  wait_until 10 tcp_port_free "$PORT" || true
  tcp_port_free "$PORT" || die "127.0.0.1:$PORT is already in use by another process"
  mkdir -p "$DIR/spool" "$DIR/log" "$DIR/tls"
  chmod 755 "$DIR"
  if [ ! -s "$DIR/tls/cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=exim.interop.test" \
      -keyout "$DIR/tls/key.pem" -out "$DIR/tls/cert.pem" >/dev/null 2>&1 || die "openssl failed"
  fi
  chown -R Debian-exim:Debian-exim "$DIR/spool" "$DIR/log" "$DIR/tls"
  chmod 600 "$DIR/tls/key.pem"
  cat > "$DIR/exim.conf" <<EOF
exim_path = $BIN
primary_hostname = exim.interop.test
spool_directory = $DIR/spool
log_file_path = $DIR/log/%slog
pid_file_path = $PIDF
keep_environment =
daemon_smtp_ports = $PORT
local_interfaces = 127.0.0.1
host_lookup =
rfc1413_hosts =
rfc1413_query_timeout = 0s
tls_advertise_hosts = *
tls_certificate = $DIR/tls/cert.pem
tls_privatekey = $DIR/tls/key.pem
smtp_accept_queue_per_connection = 0
smtp_accept_max = 200
recipients_max = 20000
message_size_limit = 100M
acl_smtp_rcpt = acl_check_rcpt

begin acl
acl_check_rcpt:
  accept hosts = 127.0.0.0/8
         domains = \N^p\d+\.port\.test\$\N
  deny   message = relay not permitted

begin routers
by_port:
  driver = manualroute
  domains = \N^p\d+\.port\.test\$\N
  route_list = * 127.0.0.1
  self = send
  transport = to_port
  no_more

begin transports
to_port:
  driver = smtp
  port = \${sg{\$domain}{\N^p(\d+)\..*\$\N}{\\\$1}}
  allow_localhost
  tls_verify_certificates =

begin retry
*  *  F,1h,2s
EOF
  chmod 644 "$DIR/exim.conf"
  local t0; t0=$(now_s)
  (cd "$DIR" && exec setsid "$BIN" -C "$DIR/exim.conf" -bdf -q10s) > "$DIR/daemon.out" 2>&1 < /dev/null &
  echo $! > "$PIDF.launcher"
  if ! wait_until 20 exim_ping; then cat "$DIR/daemon.out" "$DIR/log/paniclog" >&2 2>/dev/null || true; die "exim did not greet on $PORT"; fi
  # Exim writes its own pid file only in some modes; keep the launcher's pid (the daemon itself, -bdf).
  [ -s "$PIDF" ] || cp "$PIDF.launcher" "$PIDF"
  log "listening on 127.0.0.1:$PORT (pid $(head -n1 "$PIDF"), ready in $(elapsed "$t0")s)"
  print_env
}

stop() { stop_pidfile "$PIDF" 10; rm -f "$PIDF.launcher"; }

status() {
  if pid_alive "$PIDF" && exim_ping; then log "running on 127.0.0.1:$PORT"; print_env; else log "not running"; return 1; fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  install) install ;;
  *) die "usage: $0 [start|stop|status|restart|install]" ;;
esac
