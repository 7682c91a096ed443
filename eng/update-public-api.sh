#!/usr/bin/env bash
# Records new public API in src/*/PublicAPI.Unshipped.txt (RS0016/RS0017 code fixes).
# Run after adding or changing public members; review the diff: every public change is a conscious one.
set -euo pipefail
cd "$(dirname "$0")/.."
for p in src/*/*.csproj; do
  dotnet format analyzers "$p" --diagnostics RS0016 RS0017 RS0037 --severity info >/dev/null 2>&1 || true
done
git --no-pager diff --stat -- 'src/*/PublicAPI.Unshipped.txt' || true
