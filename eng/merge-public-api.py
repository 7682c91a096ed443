#!/usr/bin/env python3
"""Resolves git merge conflicts in PublicAPI.*.txt files by taking the union of both sides."""
import re, subprocess, sys
files = subprocess.run(["git", "diff", "--name-only", "--diff-filter=U"], capture_output=True, text=True).stdout.split()
for f in files:
    if not f.endswith(("PublicAPI.Unshipped.txt", "PublicAPI.Shipped.txt")):
        continue
    text = open(f).read()
    lines = [l for l in text.splitlines() if not re.match(r"^(<<<<<<<|=======|>>>>>>>)", l) and l.strip()]
    head = [l for l in lines if l.startswith("#")][:1]
    body = sorted(set(l for l in lines if not l.startswith("#")), key=lambda s: s.lstrip("~").lower())
    open(f, "w").write("\n".join(head + body) + "\n")
    subprocess.run(["git", "add", f])
    print("merged", f)
