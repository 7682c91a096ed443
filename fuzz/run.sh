#!/usr/bin/env bash
# Fuzz one MtaKit parser for a bounded time.
#   fuzz/run.sh <command|proxy|mailbox> <seconds> [afl|loop]
# Engine (default: afl when it can be set up, else loop):
#   afl   AFL++ (Debian package afl++) driving the SharpFuzz out-of-process harness, with
#         MtaKit.Core.dll instrumented by the SharpFuzz.CommandLine tool (dotnet tool, installed
#         into fuzz/.tools). Coverage-guided. Findings in fuzz/findings/<target>/afl/.
#   loop  the harness's own seeded mutation loop, in process, without coverage feedback
#         (shallow bugs only). Findings in fuzz/findings/<target>/crash-*.
# The seed corpus is fuzz/corpus/<target>/. Exit status 1 when an input crashed the target.
# Every finding is replayed with: dotnet fuzz/MtaKit.Fuzz/bin/Release/net10.0/MtaKit.Fuzz.dll <target> --replay FILE
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET="${1:?usage: run.sh <command|proxy|mailbox> <seconds> [afl|loop]}"
SECONDS_BUDGET="${2:?usage: run.sh <target> <seconds> [afl|loop]}"
ENGINE="${3:-auto}"
SEED="${FUZZ_SEED:-1}"
OUT="$HERE/MtaKit.Fuzz/bin/Release/net10.0"
FINDINGS="$HERE/findings/$TARGET"
say() { printf '[fuzz] %s\n' "$*" >&2; }

say "building the harness"
dotnet build "$HERE/MtaKit.Fuzz/MtaKit.Fuzz.csproj" -c Release -v q -nologo >&2

setup_afl() {
  if ! command -v afl-fuzz >/dev/null; then
    [ "$(id -u)" = 0 ] || return 1
    say "apt-get install afl++"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends afl++ >&2 \
      || { apt-get -o DPkg::Lock::Timeout=900 update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends afl++ >&2; } \
      || return 1
  fi
  if [ ! -x "$HERE/.tools/sharpfuzz" ]; then
    say "dotnet tool install SharpFuzz.CommandLine 2.3.0 -> fuzz/.tools"
    dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$HERE/.tools" >&2 || return 1
  fi
  # Instrument a copy of the harness output (the build output stays uninstrumented for --replay).
  AFL_OUT="$HERE/.afl-bin/$TARGET"
  rm -rf "$AFL_OUT"; mkdir -p "$AFL_OUT"; cp -r "$OUT/." "$AFL_OUT/"
  "$HERE/.tools/sharpfuzz" "$AFL_OUT/MtaKit.Core.dll" >&2 || return 1
}

if [ "$ENGINE" = auto ]; then
  if setup_afl; then ENGINE=afl; else say "AFL++ not available: using the mutation loop"; ENGINE=loop; fi
elif [ "$ENGINE" = afl ]; then
  setup_afl || { say "cannot set up AFL++"; exit 2; }
fi

mkdir -p "$FINDINGS"
case "$ENGINE" in
  afl)
    say "afl-fuzz $TARGET for ${SECONDS_BUDGET}s"
    export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
    afl-fuzz -V "$SECONDS_BUDGET" -i "$HERE/corpus/$TARGET" -o "$FINDINGS/afl" -t 10000 -m none \
      -- dotnet "$AFL_OUT/MtaKit.Fuzz.dll" "$TARGET" >"$FINDINGS/afl.log" 2>&1 || true
    stats="$FINDINGS/afl/default/fuzzer_stats"
    if [ -f "$stats" ]; then
      awk -F' *: *' '$1 ~ /^(execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|edges_found|run_time)$/ { printf "%s=%s ", $1, $2 }' "$stats"
      echo "target=$TARGET engine=afl"
      crashes=$(awk -F' *: *' '$1=="saved_crashes"{print $2}' "$stats")
      [ "${crashes:-0}" = 0 ] || exit 1
    else
      tail -n 30 "$FINDINGS/afl.log" >&2; exit 2
    fi ;;
  loop)
    dotnet "$OUT/MtaKit.Fuzz.dll" "$TARGET" --loop "$SECONDS_BUDGET" "$HERE/corpus/$TARGET" "$FINDINGS" "$SEED" ;;
  *) say "unknown engine $ENGINE"; exit 2 ;;
esac
