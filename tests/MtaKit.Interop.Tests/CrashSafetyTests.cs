using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MtaKit.Testing;
using Xunit.Abstractions;

namespace MtaKit.Interop.Tests;

/// <summary>
/// Crash safety of the inbound relay: the InboundRelay sample runs as a child process under load and
/// is killed with SIGKILL several times, then restarted. Every message a client got 250 for must be
/// at the next hop (the capture server); duplicates and messages delivered without a 250 reaching
/// the client are counted and reported (docs/reliability.md).
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task InboundRelay_SigkillUnderLoad_EveryAcknowledgedMessageDelivered()
    {
        const int clients = 8;
        const int kills = 4;
        await using var capture = CaptureServer.Start();
        var port = FreePort.Next();
        var acknowledged = new ConcurrentDictionary<string, bool>();
        var attempted = 0;
        var failedAttempts = 0;
        using var stop = new CancellationTokenSource();
        var relay = StartRelay(port, capture.Port);
        try
        {
            await WaitListeningAsync(port);
            var load = Enumerable.Range(0, clients).Select(n => Task.Run(() => ClientLoopAsync(n))).ToArray();
            for (var k = 0; k < kills; k++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1500));
                relay.Kill(); // SIGKILL: no graceful stop, no drain
                await relay.WaitForExitAsync();
                relay.Dispose();
                await Task.Delay(TimeSpan.FromMilliseconds(300));
                relay = StartRelay(port, capture.Port);
                await WaitListeningAsync(port);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1500));
            await stop.CancelAsync();
            await Task.WhenAll(load);
        }
        finally
        {
            if (!relay.HasExited)
            {
                relay.Kill();
                await relay.WaitForExitAsync();
            }

            relay.Dispose();
        }

        await capture.WaitForAsync(acknowledged.Count, TimeSpan.FromSeconds(10));
        var delivered = capture.Messages.Select(m => Tag(m.Text)).Where(t => t is not null).Select(t => t!).ToList();
        var distinct = delivered.ToHashSet(StringComparer.Ordinal);
        var lost = acknowledged.Keys.Where(id => !distinct.Contains(id)).ToList();
        var duplicates = delivered.Count - distinct.Count;
        var unacknowledged = distinct.Count(id => !acknowledged.ContainsKey(id));
        output.WriteLine($"attempted={attempted} acknowledged={acknowledged.Count} refused_or_cut={failedAttempts} delivered={delivered.Count} distinct={distinct.Count} lost={lost.Count} duplicates={duplicates} delivered_without_250={unacknowledged} kills={kills}");
        Assert.True(acknowledged.Count >= 50, $"too little load: {acknowledged.Count} acknowledged");
        Assert.Empty(lost);

        async Task ClientLoopAsync(int n)
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                var id = $"c{n}-m{i++}";
                Interlocked.Increment(ref attempted);
                try
                {
                    if (await SendAsync(port, capture.Domain, id))
                    {
                        acknowledged[id] = true;
                    }
                    else
                    {
                        Interlocked.Increment(ref failedAttempts);
                    }
                }
                catch (Exception e) when (e is IOException or SocketException or TimeoutException)
                {
                    Interlocked.Increment(ref failedAttempts);
                    await Task.Delay(20);
                }
            }
        }
    }

    private static string? Tag(string text)
    {
        var i = text.IndexOf("X-Crash-Id: ", StringComparison.Ordinal);
        return i < 0 ? null : text[(i + 12)..text.IndexOf("\r\n", i, StringComparison.Ordinal)];
    }

    private static async Task<bool> SendAsync(int port, string domain, string id)
    {
        await using var c = await RawSmtpClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        c.Timeout = TimeSpan.FromSeconds(10);
        if (!(await c.ReadLastLineAsync()).StartsWith("220", StringComparison.Ordinal))
        {
            return false;
        }

        var body = new StringBuilder($"X-Crash-Id: {id}\r\nSubject: crash {id}\r\n\r\n");
        for (var l = 0; l < 40; l++)
        {
            body.Append("crash safety body line ").Append(l).Append("\r\n");
        }

        await c.SendRawAsync($"EHLO load.interop.test\r\nMAIL FROM:<load@client.test>\r\nRCPT TO:<user@{domain}>\r\nDATA\r\n");
        await c.ReadReplyAsync();
        if (!(await c.ReadLastLineAsync()).StartsWith("250", StringComparison.Ordinal)
            || !(await c.ReadLastLineAsync()).StartsWith("250", StringComparison.Ordinal)
            || !(await c.ReadLastLineAsync()).StartsWith("354", StringComparison.Ordinal))
        {
            return false;
        }

        await c.SendRawAsync(body + ".\r\n");
        var ok = (await c.ReadLastLineAsync()).StartsWith("250", StringComparison.Ordinal);
        try
        {
            await c.SendAsync("QUIT");
        }
        catch (IOException)
        {
        }

        return ok;
    }

    private static Process StartRelay(int port, int nextHop)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "MtaKit.Samples.InboundRelay.dll");
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var a in new[]
        {
            dll,
            $"--MtaKit:Listeners:smtp:Endpoint=127.0.0.1:{port}",
            "--MtaKit:Routing:Routes:0:Domains:0=*.port.test",
            $"--MtaKit:Routing:Routes:0:NextHops:0:Address=127.0.0.1:{nextHop}",
            $"--MtaKit:Routing:FallbackHosts:0=127.0.0.1:{nextHop}",
            "--Logging:LogLevel:Default=Warning",
        })
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException("cannot start the InboundRelay sample");
    }

    private static async Task WaitListeningAsync(int port)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"the relay did not listen on {port}");
    }
}
