#!/usr/bin/env bash
# bench/load/setup.sh - idempotent installer for the side-by-side load harness (bench/load/run.sh).
#
#   Postfix 3.7  (Debian package, installed with "No configuration"; the system
#                 instance is never started - lib/measure.sh uses a private instance)
#   smtp-source / smtp-sink  (come with the postfix package)
#   Exim 4.96    (Debian .debs fetched with `apt-get download` and unpacked with
#                 `dpkg -x` into /opt/exim, because exim4 conflicts with postfix)
#   Haraka 3.3.4 (npm, into /tmp/haraka)
#
# The MtaKit host is built by run.sh with the .NET SDK (global.json), which must already be present.
# Safe to run repeatedly; prints what it does and what it skips.
# Reaches only the Debian apt mirror and the npm registry.
set -euo pipefail

HARAKA_VERSION=${HARAKA_VERSION:-3.3.4}
HARAKA_PREFIX=${HARAKA_PREFIX:-/tmp/haraka}
EXIM_ROOT=${EXIM_ROOT:-/opt/exim}
EXIM_DEBS=${EXIM_DEBS:-/tmp/exim-debs}
APT=(apt-get -o DPkg::Lock::Timeout=900)

say() { printf '[setup] %s\n' "$*"; }

[ "$(id -u)" = 0 ] || { echo "setup.sh must run as root" >&2; exit 1; }

# Never let package maintainer scripts start daemons (port 25!) during installs.
POLICY=/usr/sbin/policy-rc.d
if [ -e "$POLICY" ] && grep -q 'exit 101' "$POLICY"; then
  say "policy-rc.d already denies service starts"
else
  say "installing $POLICY (exit 101) so no MTA auto-starts"
  printf '#!/bin/sh\nexit 101\n' > "$POLICY"; chmod 755 "$POLICY"
fi
export RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive

apt_updated=0
apt_update_once() {
  if [ "$apt_updated" = 0 ]; then
    say "apt-get update"
    "${APT[@]}" update -qq
    apt_updated=1
  fi
}

# ---------------------------------------------------------------- postfix
if dpkg-query -W -f='${Status}' postfix 2>/dev/null | grep -q 'install ok installed' \
   && [ -x /usr/sbin/smtp-source ] && [ -x /usr/sbin/smtp-sink ]; then
  say "postfix $(dpkg-query -W -f='${Version}' postfix) already installed (smtp-source, smtp-sink present)"
else
  apt_update_once
  say "preseeding postfix: main_mailer_type='No configuration' (system instance stays unconfigured)"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  echo "postfix postfix/mailname string bench.invalid" | debconf-set-selections
  say "apt-get install postfix"
  "${APT[@]}" install -y --no-install-recommends postfix
fi
# Make sure the packaged (system) postfix is not running; we only use private instances.
if [ -f /var/spool/postfix/pid/master.pid ] && kill -0 "$(tr -dc 0-9 < /var/spool/postfix/pid/master.pid)" 2>/dev/null; then
  say "WARNING: the system postfix instance is running (pid $(tr -dc 0-9 < /var/spool/postfix/pid/master.pid)); the harness does not need it"
fi

# ---------------------------------------------------------------- exim (unpacked, not installed)
EXIM_BIN="$EXIM_ROOT/usr/sbin/exim4"
if [ -x "$EXIM_BIN" ]; then
  say "exim already unpacked at $EXIM_BIN"
else
  apt_update_once
  mkdir -p "$EXIM_DEBS" "$EXIM_ROOT"
  say "apt-get download exim4-base exim4-daemon-light exim4-config -> $EXIM_DEBS"
  (cd "$EXIM_DEBS" && "${APT[@]}" download exim4-base exim4-daemon-light exim4-config)
  for deb in "$EXIM_DEBS"/*.deb; do
    say "dpkg -x $(basename "$deb") $EXIM_ROOT"
    dpkg -x "$deb" "$EXIM_ROOT"
    basename "$deb" >> "$EXIM_ROOT/UNPACKED_DEBS"
  done
fi
# Runtime libraries exim4-daemon-light links against (plain libraries, no conflicts).
missing_libs=$(LD_LIBRARY_PATH= ldd "$EXIM_BIN" 2>/dev/null | awk '/not found/{print $1}' || true)
if [ -n "$missing_libs" ]; then
  apt_update_once
  pkgs=()
  for lib in $missing_libs; do
    case "$lib" in
      libidn.so.12*) pkgs+=(libidn12) ;;
      libdb-5.3.so*) pkgs+=(libdb5.3) ;;
      libgnutls-dane.so*) pkgs+=(libgnutls-dane0) ;;
      libnsl.so.2*) pkgs+=(libnsl2) ;;
      *) echo "[setup] unknown missing library for exim: $lib" >&2 ;;
    esac
  done
  say "installing exim runtime libraries: ${pkgs[*]}"
  "${APT[@]}" install -y --no-install-recommends "${pkgs[@]}"
else
  say "exim runtime libraries present"
fi
# Exim is compiled with EXIM_USER=Debian-exim; the package's postinst would create it.
if getent passwd Debian-exim >/dev/null; then
  say "user Debian-exim exists"
else
  say "creating system user/group Debian-exim (what exim4-base's postinst would do)"
  getent group Debian-exim >/dev/null || groupadd --system Debian-exim
  useradd --system --gid Debian-exim --home-dir /var/spool/exim4 --no-create-home \
          --shell /usr/sbin/nologin Debian-exim
fi
say "exim: $("$EXIM_BIN" -bV -C /dev/null 2>/dev/null | head -1 || echo '?')"

# ---------------------------------------------------------------- haraka
if [ -x "$HARAKA_PREFIX/node_modules/.bin/haraka" ] \
   && [ "$(node -p "require('$HARAKA_PREFIX/node_modules/Haraka/package.json').version" 2>/dev/null)" = "$HARAKA_VERSION" ]; then
  say "Haraka $HARAKA_VERSION already installed in $HARAKA_PREFIX"
else
  mkdir -p "$HARAKA_PREFIX"
  [ -f "$HARAKA_PREFIX/package.json" ] || (cd "$HARAKA_PREFIX" && npm init -y >/dev/null)
  say "npm install Haraka@$HARAKA_VERSION in $HARAKA_PREFIX"
  (cd "$HARAKA_PREFIX" && npm install --no-audit --no-fund "Haraka@$HARAKA_VERSION")
fi
say "haraka: $(node -p "require('$HARAKA_PREFIX/node_modules/Haraka/package.json').version"), node $(node --version)"

# ---------------------------------------------------------------- optional: strace for FSYNC_CENSUS=1
if command -v strace >/dev/null; then
  say "strace present ($(strace -V | head -1))"
else
  apt_update_once
  say "apt-get install strace (only for FSYNC_CENSUS=1)"
  "${APT[@]}" install -y --no-install-recommends strace
fi

# ---------------------------------------------------------------- misc tools the harness uses
command -v dotnet >/dev/null || { echo "[setup] missing dotnet (the .NET SDK in global.json)" >&2; exit 1; }
for tool in ss awk perl ps; do
  command -v "$tool" >/dev/null || { echo "[setup] missing $tool" >&2; exit 1; }
done
say "done"
