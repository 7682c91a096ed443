using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Hosting;

namespace MtaKit.Samples.Network;

/// <summary>
/// Runs the demo network in one process: a Mailstore for example.test, two fallback tiers with short
/// windows, two inbound relays (pass-through, embedded scanners, DNSBL from a static zone; relay1 is the
/// domain's MX), an outbound relay (submission with STARTTLS + AUTH, DKIM signing, its own tier delivering
/// by MX), demo traffic, and a report of every message's fate checked against the Maildirs and spools.
/// </summary>
public static class NetworkDemo
{
    private const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    private const string Gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    /// <summary>The <see cref="DemoMessage.Relay"/> of a message submitted to the outbound relay.</summary>
    private const int Outbound = 0;

    private sealed record DemoMessage(string Id, string Description, int Relay, bool Blocked, string From, string To, string Body, DemoFate Expected, string? ExpectedReply);

    /// <summary>Runs the demo and writes one progress line per event and the final report to <paramref name="output"/>.</summary>
    /// <param name="options">Windows, timings and the run directory.</param>
    /// <param name="output">Where progress and the report go.</param>
    /// <param name="cancellationToken">Stops the run (and, with <see cref="NetworkDemoOptions.Serve"/>, the network).</param>
    /// <returns>The report: every message with its expected and observed fate.</returns>
    public static async Task<NetworkDemoReport> RunAsync(NetworkDemoOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException("Invalid NetworkDemoOptions: " + string.Join(" ", errors), nameof(options));
        }

        var clock = Stopwatch.StartNew();
        var run = options.RunDirectory ?? Path.Combine(Path.GetTempPath(), "mtakit-network-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(run);
        void Say(string line) => output.WriteLine($"[+{clock.Elapsed.TotalSeconds,5:0.0}s] {line}");

        Say($"run directory {run}");
        var latePort = NetworkHosts.ClosedPort();
        var downPort = NetworkHosts.ClosedPort();
        var late = new IPEndPoint(IPAddress.Loopback, latePort);
        var down = new IPEndPoint(IPAddress.Loopback, downPort);
        var files = await OutboundFiles.CreateAsync(Path.Combine(run, "outbound"), "outbound." + NetworkHosts.Domain, cancellationToken).ConfigureAwait(false);
        var zone = NetworkHosts.WriteZone(run, files.DkimPublicKey);
        Say($"outbound relay files in {Path.Combine(run, "outbound")}: self-signed certificate, users file, DKIM key; zone {zone}");
        var mxPort = NetworkHosts.ClosedPort();
        var hosts = new List<(string Name, IHost Host)>();
        try
        {
            async Task<IHost> StartAsync(string name, IHost host)
            {
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
                hosts.Add((name, host));
                return host;
            }

            var mailstore = await StartAsync("mailstore", NetworkHosts.Mailstore(
                "mailstore", "127.0.0.1:0", Path.Combine(run, "maildirs"), "example.test",
                ["user@example.test", "alice@example.test", "bob@example.test", "carol@example.test", "postmaster@example.test"])).ConfigureAwait(false);
            var store = mailstore.EndPoint().ToString();
            List<(string, string)> tierRoutes = [("example.test", store), ("late.example.test", late.ToString()), ("down.example.test", down.ToString())];
            var tier2 = await StartAsync("tier2", NetworkHosts.Tier("tier2", Path.Combine(run, "spool", "tier2"), options.Tier2Window, options.Retry, null, tierRoutes)).ConfigureAwait(false);
            var tier1 = await StartAsync("tier1", NetworkHosts.Tier("tier1", Path.Combine(run, "spool", "tier1"), options.Tier1Window, options.Retry, tier2.EndPoint(), tierRoutes)).ConfigureAwait(false);
            var relay1 = await StartAsync("relay1", NetworkHosts.Relay("relay1", "127.0.0.1:" + mxPort.ToString(CultureInfo.InvariantCulture), zone, tierRoutes, tier1.EndPoint())).ConfigureAwait(false);
            var relay2 = await StartAsync("relay2", NetworkHosts.Relay("relay2", "127.0.0.1:0", zone, tierRoutes, tier1.EndPoint())).ConfigureAwait(false);
            var relays = new[] { relay1, relay2 };
            var outbound = await StartAsync("outbound", NetworkHosts.Outbound("outbound", files, zone, mxPort, Path.Combine(run, "spool", "outbound"), options.Tier2Window, options.Retry)).ConfigureAwait(false);

            Say($"mailstore  example.test       smtp {mailstore.EndPoint()}  Maildirs {Path.Combine(run, "maildirs")}");
            Say($"tier1      window {options.Tier1Window.TotalSeconds:0}s retry {options.Retry} next tier2  smtp {tier1.EndPoint()}  spool {Path.Combine(run, "spool", "tier1")}");
            Say($"tier2      window {options.Tier2Window.TotalSeconds:0}s retry {options.Retry} last tier   smtp {tier2.EndPoint()}  spool {Path.Combine(run, "spool", "tier2")}");
            Say($"relay1     smtp {relay1.EndPoint()}  proxied {relay1.EndPoint("proxied")} (PROXY protocol from 127.0.0.0/8)");
            Say($"relay2     smtp {relay2.EndPoint()}  proxied {relay2.EndPoint("proxied")} (PROXY protocol from 127.0.0.0/8)");
            Say($"late.example.test next hop {late} is down (a Mailstore starts there {options.LateMailstoreStart.TotalSeconds:0}s after the traffic begins); down.example.test next hop {down} stays down");
            Say($"relay1 is the MX of {NetworkHosts.Domain} (mx1.{NetworkHosts.Domain} = 127.0.0.1, MX port {mxPort}); {NetworkHosts.NullMxDomain} publishes a null MX");
            Say($"outbound   submission {outbound.EndPoint("submission")} (STARTTLS + AUTH, user {files.User})  DKIM d={NetworkHosts.Domain} s={NetworkHosts.DkimSelector}  route * -> mx  spool {Path.Combine(run, "spool", "outbound")}");

            var messages = Messages();
            var lateStart = clock.Elapsed + options.LateMailstoreStart; // the tier windows count from the messages' arrival too
            var replies = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var m in messages)
            {
                string reply;
                if (m.Relay == Outbound)
                {
                    reply = await DemoSubmissionClient.SendAsync(
                        outbound.EndPoint("submission"), "outbound." + NetworkHosts.Domain, files.Certificate, files.User, OutboundFiles.DemoPassword, m.From, m.To, Compose(m), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var relay = relays[m.Relay - 1];
                    reply = await DemoSmtpClient.SendAsync(
                        m.Blocked ? relay.EndPoint("proxied") : relay.EndPoint(),
                        m.Blocked ? NetworkHosts.BlockedClient : null,
                        m.From,
                        m.To,
                        Compose(m),
                        cancellationToken).ConfigureAwait(false);
                }

                replies[m.Id] = reply;
                Say($"{m.Id} {RelayName(m.Relay)} {m.Description,-34} <{m.From}> -> <{m.To}>: {reply}");
            }

            var lateStarted = false;
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            var deadline = clock.Elapsed + options.Timeout;
            while (true)
            {
                if (!lateStarted && clock.Elapsed >= lateStart)
                {
                    await StartAsync("mailstore-late", NetworkHosts.Mailstore("mailstore-late", late.ToString(), Path.Combine(run, "maildirs-late"), "late.example.test", [])).ConfigureAwait(false);
                    lateStarted = true;
                    Say($"mailstore-late started for late.example.test on {late}  Maildirs {Path.Combine(run, "maildirs-late")}");
                }

                var pending = false;
                foreach (var m in messages.Where(m => replies[m.Id].StartsWith('2')))
                {
                    var (fate, location) = Observe(run, m.Id);
                    var state = fate + " " + location;
                    if (!seen.TryGetValue(m.Id, out var before) || before != state)
                    {
                        seen[m.Id] = state;
                        Say($"{m.Id} {Describe(fate)} {location}");
                    }

                    pending |= fate is DemoFate.InTier1 or DemoFate.InTier2 or DemoFate.InOutbound or DemoFate.Missing;
                }

                if ((!pending && lateStarted) || clock.Elapsed >= deadline)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            }

            var dkim = new DkimChecker(new StaticZoneResolver(StaticZone.Load(zone)));
            var outcomes = new List<DemoMessageOutcome>();
            foreach (var m in messages)
            {
                var reply = replies[m.Id];
                var (fate, location) = Observe(run, m.Id);
                if (fate == DemoFate.Missing && !reply.StartsWith('2'))
                {
                    fate = DemoFate.Rejected;
                }

                // Mail the outbound relay delivered carries its signature: verify it as any receiver would (the network's zone).
                DkimCheckResult? signature = null;
                if (m.Relay == Outbound && fate == DemoFate.Delivered && location is not null)
                {
                    signature = await dkim.VerifyAsync(MessageContent.FromBytes(await File.ReadAllBytesAsync(Path.Combine(run, location), cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
                }

                outcomes.Add(new DemoMessageOutcome
                {
                    Id = m.Id,
                    Description = m.Description,
                    Relay = RelayName(m.Relay),
                    From = m.From,
                    To = m.To,
                    Reply = reply,
                    Expected = m.Expected,
                    Observed = fate,
                    Location = location,
                    Dkim = signature?.ToString(),
                    AsExpected = fate == m.Expected && (m.ExpectedReply is null || reply.StartsWith(m.ExpectedReply, StringComparison.Ordinal))
                        && (signature is null || signature.AnyPass),
                });
            }

            var report = new NetworkDemoReport { RunDirectory = run, Messages = outcomes, Elapsed = clock.Elapsed };
            WriteReport(report, output);
            if (options.Serve)
            {
                output.WriteLine();
                output.WriteLine("--serve: the network stays up until Ctrl+C. Try, for example:");
                output.WriteLine($"  swaks --server {relay1.EndPoint().Address} --port {relay1.EndPoint().Port} --from alice@example.test --to user@example.test");
                output.WriteLine($"  swaks --server {relay2.EndPoint().Address} --port {relay2.EndPoint().Port} --from alice@example.test --to bob@example.test --body '{Gtube}'");
                output.WriteLine($"  swaks --server {outbound.EndPoint("submission").Address} --port {outbound.EndPoint("submission").Port} --tls --tls-verify-off --auth PLAIN --auth-user {files.User} --auth-password '{OutboundFiles.DemoPassword}' --from {files.User} --to user@example.test   # submission");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C: shut the network down below.
                }
            }

            return report;
        }
        finally
        {
            foreach (var (_, host) in Enumerable.Reverse(hosts))
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await host.StopAsync(stop.Token).ConfigureAwait(false);
                host.Dispose();
            }
        }
    }

    private static List<DemoMessage> Messages() =>
    [
        new("demo-01", "clean mail", 1, false, "alice@example.test", "user@example.test", "Hello from the demo.", DemoFate.Delivered, "250 "),
        new("demo-02", "EICAR test virus", 2, false, "alice@example.test", "user@example.test", Eicar, DemoFate.Rejected, "550 5.7.1"),
        new("demo-03", "GTUBE test spam", 1, false, "alice@example.test", "user@example.test", Gtube, DemoFate.Rejected, "550 5.7.1"),
        new("demo-04", "unknown recipient", 2, false, "alice@example.test", "nobody@example.test", "Nobody reads this.", DemoFate.Rejected, "550 5.1.1"),
        new("demo-05", "client on the local block list", 1, true, "alice@example.test", "user@example.test", "Sent from a listed client.", DemoFate.Rejected, "5"),
        new("demo-06", "next hop down, tier1 -> tier2", 2, false, "alice@example.test", "user@late.example.test", "Delivered late.", DemoFate.Delivered, "250 "),
        new("demo-07", "never deliverable: expires to DSN", 1, false, "bob@example.test", "user@down.example.test", "This one comes back.", DemoFate.Dsn, "250 "),
        new("demo-08", "clean mail", 2, false, "bob@example.test", "postmaster@example.test", "Hello again.", DemoFate.Delivered, "250 "),
        new("demo-09", "submission: signed, MX to relay1", Outbound, false, OutboundFiles.DemoUser, "user@example.test", "Submitted with AUTH, signed, delivered by MX.", DemoFate.Delivered, "250 "),
        new("demo-10", "submission to a null MX: DSN", Outbound, false, OutboundFiles.DemoUser, "someone@" + NetworkHosts.NullMxDomain, "outside.test accepts no mail.", DemoFate.Dsn, "250 "),
    ];

    private static string RelayName(int relay) => relay == Outbound ? "outbound" : "relay" + relay.ToString(CultureInfo.InvariantCulture);

    private static string Compose(DemoMessage m) => $"""
        From: <{m.From}>
        To: <{m.To}>
        Subject: {m.Id} {m.Description}
        Message-ID: <{m.Id}@client.demo.test>
        X-Demo-Id: {m.Id}
        Date: {DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture)}

        {m.Body}
        """;

    private static string Describe(DemoFate fate) => fate switch
    {
        DemoFate.InTier1 => "spooled in tier1",
        DemoFate.InTier2 => "spooled in tier2",
        DemoFate.InOutbound => "spooled in the outbound relay",
        DemoFate.Delivered => "delivered to",
        DemoFate.Dsn => "returned as DSN to",
        _ => "not found in any Maildir or spool",
    };

    /// <summary>Looks for the message in the Maildirs (delivered, or a DSN quoting it) and then in the tier spools.</summary>
    internal static (DemoFate Fate, string? Location) Observe(string run, string id)
    {
        var token = "X-Demo-Id: " + id;
        foreach (var root in new[] { "maildirs", "maildirs-late" })
        {
            foreach (var file in Files(Path.Combine(run, root)).Where(f => Path.GetFileName(Path.GetDirectoryName(f)) is "new" or "cur"))
            {
                var text = Read(file);
                if (text is not null && text.Contains(token, StringComparison.Ordinal))
                {
                    var fate = text.Contains("multipart/report", StringComparison.OrdinalIgnoreCase) ? DemoFate.Dsn : DemoFate.Delivered;
                    return (fate, Path.GetRelativePath(run, file));
                }
            }
        }

        foreach (var (tier, fate) in new[] { ("tier2", DemoFate.InTier2), ("tier1", DemoFate.InTier1), ("outbound", DemoFate.InOutbound) })
        {
            foreach (var file in Files(Path.Combine(run, "spool", tier)).Where(f => f.EndsWith(".q", StringComparison.Ordinal) || f.EndsWith(".msg", StringComparison.Ordinal)))
            {
                var text = Read(file);
                if (text is not null && text.Contains(token, StringComparison.Ordinal))
                {
                    return (fate, Path.GetRelativePath(run, file));
                }
            }
        }

        return (DemoFate.Missing, null);
    }

    private static IEnumerable<string> Files(string directory)
        => Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).ToList() : [];

    private static string? Read(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (IOException)
        {
            return null; // moved or deleted meanwhile (delivered, handed off): the next poll sees where it went
        }
    }

    private static void WriteReport(NetworkDemoReport report, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Report ({report.Elapsed.TotalSeconds:0.0}s, run directory {report.RunDirectory}):");
        output.WriteLine($"{"id",-8} {"relay",-8} {"what",-34} {"expected",-9} {"observed",-9} {"ok",-3} reply / location");
        foreach (var m in report.Messages)
        {
            output.WriteLine($"{m.Id,-8} {m.Relay,-8} {m.Description,-34} {m.Expected,-9} {m.Observed,-9} {(m.AsExpected ? "yes" : "NO"),-3} {m.Reply}");
            if (m.Location is not null)
            {
                output.WriteLine($"{string.Empty,-77} -> {m.Location}{(m.Dkim is null ? string.Empty : "  DKIM " + m.Dkim)}");
            }
        }

        output.WriteLine(report.AllAsExpected
            ? $"All {report.Messages.Count} messages accounted for, every fate as expected."
            : $"{report.Messages.Count(m => !m.AsExpected)} of {report.Messages.Count} messages did NOT meet their expected fate.");
    }
}
