#!/usr/bin/env bash
# bench/load/setup.sh - idempotent installer for the side-by-side load harness (bench/load/run.sh).
#
#   Postfix 3.7  (Debian package, installed with "No configuration"; the system
#                 instance is never started - lib/measure.sh uses a private instance)
#   smtp-source / smtp-sink  (come with the postfix package)
#   Exim 4.96    (Debian .debs fetched with `apt-get download` and unpacked with
#                 `dpkg -x` into /opt/exim, because exim4 conflicts with postfix)
#   Haraka 3.3.4 (npm ci with bench/load/haraka/package-lock.json, into /tmp/haraka; needs Node.js >= 20: from the NodeSource apt repository
#                 when the machine has no node or an older one - Debian 12's own nodejs is 18)
#   clamd, spamd (clamav-daemon, spamassassin + spamd: tests/services/start-clamd.sh / start-spamd.sh
#                 install, for peer mtakit-scan; lib/scanners.sh starts them with their own ports)
#   .NET SDK     (global.json's major version, dotnet-sdk-N.0 from packages.microsoft.com when `dotnet`
#                 is missing; run.sh builds bench/MtaKit.LoadHost with it)
#   tools        strace (FSYNC_CENSUS=1), iproute2 (ss), procps (ps), perl, coreutils (timeout), mount
#
# Written for Debian 12 (bookworm) on amd64, as root. Safe to run repeatedly; prints what it does and
# what it skips. Reaches only package registries: the Debian mirror, NodeSource's and Microsoft's apt
# repositories (only when node / dotnet are missing), the npm registry; run.sh's build reaches nuget.org.
# It refuses to replace another installed MTA (Postfix conflicts with exim4, sendmail, ...) unless
# REPLACE_MTA=1.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

HARAKA_VERSION=${HARAKA_VERSION:-3.3.4}
HARAKA_PREFIX=${HARAKA_PREFIX:-/tmp/haraka}
EXIM_ROOT=${EXIM_ROOT:-/opt/exim}
EXIM_DEBS=${EXIM_DEBS:-/tmp/exim-debs}
APT=(apt-get -o DPkg::Lock::Timeout=900)

say() { printf '[setup] %s\n' "$*"; }

[ "$(id -u)" = 0 ] || { echo "setup.sh must run as root" >&2; exit 1; }

# Never let package maintainer scripts start daemons (port 25!) during installs: a policy-rc.d that
# denies every start, for the duration of this script only (removed on exit if we made it).
POLICY=/usr/sbin/policy-rc.d
if [ -e "$POLICY" ]; then
  grep -q 'exit 101' "$POLICY" && say "policy-rc.d already denies service starts" \
    || say "WARNING: $POLICY exists and may allow service starts; packages installed now may start daemons"
else
  say "installing $POLICY (exit 101) while installing, so no MTA or scanner daemon auto-starts"
  printf '#!/bin/sh\nexit 101\n' > "$POLICY"; chmod 755 "$POLICY"
  trap 'rm -f "$POLICY"' EXIT
fi
export RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

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
  # postfix conflicts with every other mail-transport-agent: apt would remove the machine's MTA.
  for mta in exim4-daemon-light exim4-daemon-heavy sendmail-bin opensmtpd nullmailer msmtp-mta dma courier-mta ssmtp; do
    if installed "$mta" && [ "${REPLACE_MTA:-0}" != 1 ]; then
      echo "[setup] $mta is installed; installing postfix (for smtp-source/smtp-sink and the Postfix peer) would remove it." >&2
      echo "[setup] Run on a machine without an MTA, or set REPLACE_MTA=1 to let apt replace it." >&2
      exit 1
    fi
  done
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
# Runtime libraries exim4-daemon-light links against (plain libraries, no conflicts): the lib* packages
# of its Depends when the .deb is at hand, else by the names ldd reports missing.
missing_libs=$(LD_LIBRARY_PATH= ldd "$EXIM_BIN" 2>/dev/null | awk '/not found/{print $1}' || true)
daemon_deb=$(ls "$EXIM_DEBS"/exim4-daemon-light_*.deb 2>/dev/null | tail -1 || true)
if [ -n "$missing_libs" ] && [ -n "$daemon_deb" ]; then
  apt_update_once
  pkgs=()
  for dep in $(dpkg-deb -f "$daemon_deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/:any//' | tr -d ' '); do
    case "$dep" in lib*) installed "$dep" || pkgs+=("$dep") ;; esac
  done
  say "installing exim runtime libraries (Depends of $(basename "$daemon_deb")): ${pkgs[*]:-none missing}"
  [ ${#pkgs[@]} -gt 0 ] && "${APT[@]}" install -y --no-install-recommends "${pkgs[@]}"
  missing_libs=$(LD_LIBRARY_PATH= ldd "$EXIM_BIN" 2>/dev/null | awk '/not found/{print $1}' || true)
fi
if [ -n "$missing_libs" ]; then
  apt_update_once
  pkgs=()
  for lib in $missing_libs; do
    case "$lib" in
      libidn.so.12*) pkgs+=(libidn12) ;;
      libdb-5.3.so*) pkgs+=(libdb5.3) ;;
      libgnutls-dane.so*) pkgs+=(libgnutls-dane0) ;;
      libnsl.so.2*) pkgs+=(libnsl2) ;;
      libpcre2-8.so*) pkgs+=(libpcre2-8-0) ;;
      libunbound.so*) pkgs+=(libunbound8) ;;
      libevent-2.1.so*) pkgs+=(libevent-2.1-7) ;;
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

# ---------------------------------------------------------------- node (for haraka)
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if command -v node >/dev/null && command -v npm >/dev/null && [ "$(node_major)" -ge 20 ]; then
  say "node $(node --version), npm $(npm --version) present"
else
  # Haraka 3.3.4 declares engines.node >= 20; Debian 12 ships 18. NodeSource's nodejs includes npm.
  apt_update_once
  say "node >= 20 missing ($(node --version 2>/dev/null || echo none)): adding the NodeSource node_20.x apt repository"
  "${APT[@]}" install -y --no-install-recommends ca-certificates curl gnupg
  curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o /usr/share/keyrings/nodesource.gpg
  printf 'Types: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\nComponents: main\nSigned-By: /usr/share/keyrings/nodesource.gpg\n' \
    > /etc/apt/sources.list.d/nodesource.sources
  "${APT[@]}" update -qq
  "${APT[@]}" install -y --no-install-recommends nodejs
  say "node $(node --version), npm $(npm --version)"
fi

# ---------------------------------------------------------------- haraka
if [ -x "$HARAKA_PREFIX/node_modules/.bin/haraka" ] \
   && [ "$(node -p "require('$HARAKA_PREFIX/node_modules/Haraka/package.json').version" 2>/dev/null)" = "$HARAKA_VERSION" ]; then
  say "Haraka $HARAKA_VERSION already installed in $HARAKA_PREFIX"
else
  mkdir -p "$HARAKA_PREFIX"
  if [ "$HARAKA_VERSION" = 3.3.4 ]; then
    # bench/load/haraka/package-lock.json: the dependency versions of the reference runs (npm ci installs
    # exactly those; a plain npm install would take the newest versions the ranges allow).
    say "npm ci in $HARAKA_PREFIX (Haraka 3.3.4, dependencies pinned by bench/load/haraka/package-lock.json)"
    cp "$HERE/haraka/package.json" "$HERE/haraka/package-lock.json" "$HARAKA_PREFIX/"
    (cd "$HARAKA_PREFIX" && npm ci --no-audit --no-fund)
  else
    [ -f "$HARAKA_PREFIX/package.json" ] || (cd "$HARAKA_PREFIX" && npm init -y >/dev/null)
    say "npm install Haraka@$HARAKA_VERSION in $HARAKA_PREFIX"
    (cd "$HARAKA_PREFIX" && npm install --no-audit --no-fund "Haraka@$HARAKA_VERSION")
  fi
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

# ---------------------------------------------------------------- clamd, spamd (peer mtakit-scan)
# The project's service scripts install them (apt, no daemon started, spamassassin's gpg-agent ended).
say "clamav-daemon, spamassassin, spamd (tests/services/start-clamd.sh / start-spamd.sh install)"
bash "$ROOT/tests/services/start-clamd.sh" install
bash "$ROOT/tests/services/start-spamd.sh" install
say "clamd $(clamd --version 2>/dev/null | awk '{print $2}' | cut -d/ -f1), spamd $(spamd --version 2>/dev/null | awk '/version/{print $NF; exit}')"

# ---------------------------------------------------------------- .NET SDK (run.sh builds the host)
sdk_major=$(sed -n 's/.*"version" *: *"\([0-9]*\)\..*/\1/p' "$ROOT/global.json" | head -1)
if command -v dotnet >/dev/null && dotnet --list-sdks 2>/dev/null | grep -q "^$sdk_major\."; then
  say "dotnet SDK $(dotnet --list-sdks | awk -v m="$sdk_major." 'index($1, m) == 1 {v=$1} END {print v}') present"
else
  apt_update_once
  say "no .NET $sdk_major SDK: adding packages.microsoft.com (debian/$(. /etc/os-release; echo "$VERSION_ID")) and installing dotnet-sdk-$sdk_major.0"
  "${APT[@]}" install -y --no-install-recommends ca-certificates curl
  curl -fsSL -o /tmp/packages-microsoft-prod.deb \
    "https://packages.microsoft.com/config/debian/$(. /etc/os-release; echo "$VERSION_ID")/packages-microsoft-prod.deb"
  dpkg -i /tmp/packages-microsoft-prod.deb
  "${APT[@]}" update -qq
  "${APT[@]}" install -y --no-install-recommends "dotnet-sdk-$sdk_major.0"
  say "dotnet $(dotnet --version)"
fi

# ---------------------------------------------------------------- misc tools the harness uses
# (perl, not only perl-base: lib/drive.pl and lib/probe.pl use Time::HiRes, which is in libperl5.x)
tool_pkgs=()
for pkg in iproute2 procps perl coreutils mount; do installed "$pkg" || tool_pkgs+=("$pkg"); done
command -v awk >/dev/null || tool_pkgs+=(mawk)
if [ ${#tool_pkgs[@]} -gt 0 ]; then
  apt_update_once
  say "apt-get install ${tool_pkgs[*]}"
  "${APT[@]}" install -y --no-install-recommends "${tool_pkgs[@]}"
else
  say "iproute2 (ss), procps (ps), perl, coreutils (timeout), mount, awk present"
fi
say "done"
