#!/usr/bin/env bash
# Packaging check: packs every src project into a local feed, creates a fresh console project
# outside the repo, adds MtaKit.Hosting from that feed with `dotnet add package`, compiles the
# README's custom-stage example into it, runs it as an SMTP host and relays one message through it.
# Prints "pack-smoke ok" and exits 0 on success.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/mtakit-pack.XXXXXX)"
trap 'kill "${APP_PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
FEED="$WORK/feed"
VERSION="0.1.0-smoke.$(date +%s)"
for p in Core Scanning Queueing Redis Hosting; do
  dotnet pack "$ROOT/src/MtaKit.$p/MtaKit.$p.csproj" -c Release -o "$FEED" -p:Version="$VERSION" >/dev/null
done
ls "$FEED"/*.nupkg "$FEED"/*.snupkg >/dev/null
cd "$WORK"
dotnet new console -n App -o app >/dev/null
cd app
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="$FEED" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML
dotnet add package MtaKit.Hosting --version "$VERSION" >/dev/null
dotnet add package Microsoft.Extensions.Hosting --version 10.0.15 >/dev/null
# The README's example, exactly as the README shows it.
awk '/README-EXAMPLE-START/{f=1;next} /README-EXAMPLE-END/{f=0} f' "$ROOT/tests/MtaKit.Hosting.Tests/ReadmeExample.cs" | sed 's/^using MtaKit;$//' > DenySenders.cs
sed -i '1i using MtaKit;' DenySenders.cs
cat > Program.cs <<'CS'
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Handlers.Maildir;
using MtaKit.Hosting;
using MtaKit.Routing;

var builder = Host.CreateApplicationBuilder(args);
var domains = new List<DomainPattern> { DomainPattern.Parse("example.test") };
builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
    .UseStage(new DenySenders(new HashSet<string> { "spammer.test" }))
    .UseMessageHandler(_ => new MaildirMessageHandler(new MaildirOptions { Root = args[^1], Domains = domains }))
    .UseRelayControl(_ => new RelayControl(new RelayControlOptions { LocalDomains = domains }));
return await builder.Build().RunMtaKitAsync();
CS
dotnet build -c Release -v q >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dotnet bin/Release/net10.0/App.dll --MtaKit:Listeners:smtp:Endpoint=127.0.0.1:$PORT --Logging:LogLevel:Default=Warning "$WORK/md" > "$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 100); do grep -q "listening smtp" "$WORK/app.log" && break; sleep 0.1; done
python3 - "$PORT" <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
code, _ = s.ehlo("pack.test")
try:
    s.sendmail("a@spammer.test", ["b@example.test"], "Subject: x\r\n\r\nx\r\n")
    raise SystemExit("denied sender was accepted")
except smtplib.SMTPSenderRefused as e:
    assert e.smtp_code == 550, e
s.sendmail("a@friend.test", ["b@example.test"], "Subject: packaged\r\n\r\nhello\r\n")
s.quit()
PY
ls "$WORK/md/b@example.test/new/"* >/dev/null
echo "pack-smoke ok"
