using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using MtaKit.Handlers.Maildir;
using MtaKit.Routing;
using MtaKit.Server;
using MtaKit.Testing;
using Xunit.Abstractions;

namespace MtaKit.Queueing.Tests.Delivery;

/// <summary>
/// SIGKILL of a real FallbackTier process while it accepts and delivers under load: after a
/// restart on the same spool, every message that got a 250 is delivered (duplicates are counted
/// and reported; losses fail the test).
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FallbackTier_KilledUnderLoad_LosesNothingThatGot250()
    {
        var dll = FallbackTierSample.Dll;
        using var dir = new TempDirectory();
        var domains = new List<DomainPattern> { DomainPattern.Parse("example.test") };
        await using var destination = new SmtpServer(
            new SmtpServerOptions { ServerName = "mailstore.test", Listeners = [new SmtpListenerOptions { Name = "smtp", EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }] },
            new MaildirMessageHandler(new MaildirOptions { Root = Path.Combine(dir.Path, "md"), Domains = domains }),
            relayControl: new RelayControl(new RelayControlOptions { LocalDomains = domains }));
        await destination.StartAsync();
        var tierPort = FreePort.Next();
        string[] args =
        [
            dll, $"--MtaKit:Listeners:smtp:Endpoint=127.0.0.1:{tierPort}", $"--MtaKit:Queue:SpoolPath={Path.Combine(dir.Path, "spool")}",
            "--MtaKit:Routing:Routes:0:Domains:0=example.test", $"--MtaKit:Routing:Routes:0:NextHops:0:Address=127.0.0.1:{destination.GetEndPoint("smtp").Port}",
            "--Logging:LogLevel:Default=Warning",
        ];

        var accepted = new ConcurrentDictionary<string, bool>();
        var tier = await FallbackTierSample.StartAsync(args);
        var sent = 0;
        var load = Task.Run(async () =>
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            {
                var id = $"crash-{i}-{Guid.NewGuid():N}";
                // Like a real client: retry until the tier answers 250 (it is down for a moment).
                for (var attempt = 0; attempt < 100; attempt++)
                {
                    Interlocked.Increment(ref sent);
                    if (await TrySendAsync(tierPort, id))
                    {
                        accepted[id] = true;
                        return;
                    }

                    await Task.Delay(100);
                }
            });
        });

        // Kill while messages are arriving and being delivered.
        while (accepted.Count < 120)
        {
            await Task.Delay(10);
        }

        tier.Kill(entireProcessTree: true); // SIGKILL: no flush, no graceful stop
        await tier.WaitForExitAsync();
        output.WriteLine($"killed after {accepted.Count} accepted, {Volatile.Read(ref sent)} sessions");
        await Task.Delay(300);
        tier = await FallbackTierSample.StartAsync(args);
        await load;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            Dictionary<string, int> delivered;
            while (true)
            {
                delivered = CountDelivered(Path.Combine(dir.Path, "md", "user@example.test", "new"));
                if (accepted.Keys.All(delivered.ContainsKey) || DateTime.UtcNow > deadline)
                {
                    break;
                }

                await Task.Delay(200);
            }

            var lost = accepted.Keys.Where(id => !delivered.ContainsKey(id)).ToList();
            var duplicates = delivered.Values.Sum(n => n - 1);
            output.WriteLine($"accepted={accepted.Count} delivered(distinct)={delivered.Count} duplicates={duplicates} lost={lost.Count}");
            Assert.True(accepted.Count >= 200, "too few messages accepted to be a load test: " + accepted.Count);
            Assert.Empty(lost);
        }
        finally
        {
            tier.Kill(entireProcessTree: true);
            await tier.WaitForExitAsync();
        }
    }

    private static async Task<bool> TrySendAsync(int port, string id)
    {
        try
        {
            await using var c = await RawSmtpClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            c.Timeout = TimeSpan.FromSeconds(15);
            if (!(await c.ReadLastLineAsync()).StartsWith("220", StringComparison.Ordinal))
            {
                return false;
            }

            await c.SendRawAsync($"EHLO load.test\r\nMAIL FROM:<load@example.test>\r\nRCPT TO:<user@example.test>\r\nDATA\r\n");
            await c.ReadReplyAsync();
            if (!(await c.ReadLastLineAsync()).StartsWith("250", StringComparison.Ordinal) || !(await c.ReadLastLineAsync()).StartsWith("250", StringComparison.Ordinal) || !(await c.ReadLastLineAsync()).StartsWith("354", StringComparison.Ordinal))
            {
                return false;
            }

            await c.SendRawAsync($"Message-ID: <{id}@load.test>\r\nSubject: {id}\r\n\r\n{new string('x', 2000)}\r\n.\r\nQUIT\r\n");
            return (await c.ReadLastLineAsync()).StartsWith("250", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return false; // no 250: the client would retry; not counted as accepted
        }
    }

    private static Dictionary<string, int> CountDelivered(string folder)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            return counts;
        }

        foreach (var file in Directory.GetFiles(folder))
        {
            var text = File.ReadAllText(file);
            var start = text.IndexOf("Subject: crash-", StringComparison.Ordinal);
            if (start < 0)
            {
                continue;
            }

            var id = text[(start + 9)..text.IndexOf('\r', start)];
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }

        return counts;
    }
}
