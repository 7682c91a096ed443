#!/usr/bin/env bash
# Records public API changes in src/<project>/PublicAPI.Unshipped.txt from the analyzer's own
# RS0016 (new public symbol) and RS0017 (removed symbol) diagnostics, then rebuilds to check.
# Usage: eng/update-public-api.sh [src/Project/Project.csproj ...]   (default: every src project)
# Review the diff: every public change is a conscious one.
set -euo pipefail
cd "$(dirname "$0")/.."
projects=("$@")
[ ${#projects[@]} -gt 0 ] || projects=(src/*/*.csproj)
for p in "${projects[@]}"; do
  for round in 1 2 3; do
    out=$(mktemp)
    dotnet build "$p" -c Release --no-incremental -p:TreatWarningsAsErrors=false >"$out" 2>&1 || true
    python3 /dev/fd/3 "$p" "$out" 3<<'PY' || { rm -f "$out"; break; }
import os, re, sys
proj, out = sys.argv[1], open(sys.argv[2]).read()
d = os.path.dirname(os.path.abspath(proj))
added, removed = set(), set()
for m in re.finditer(r"(RS0016|RS0017|RS0037): Symbol '(.+?)' (is not part|is part)[^\[]*\[(.+?)\]", out):
    if os.path.dirname(m.group(4)) != d:
        continue
    (added if m.group(1) != 'RS0017' else removed).add(m.group(2))
if not added and not removed:
    sys.exit(1)
f = os.path.join(d, 'PublicAPI.Unshipped.txt')
lines = [l for l in open(f).read().splitlines() if l.strip()]
head = [l for l in lines if l.startswith('#')]
body = set(l for l in lines if not l.startswith('#')) | added
body -= removed
open(f, 'w').write('\n'.join(head + sorted(body, key=lambda s: s.lstrip('~').replace('override ', '').replace('static ', '').replace('abstract ', '').replace('virtual ', '').replace('const ', '').lower())) + '\n')
print(f"{proj}: +{len(added)} -{len(removed)}")
PY
    rm -f "$out"
  done
done
git --no-pager diff --stat -- 'src/*/PublicAPI.Unshipped.txt' || true
