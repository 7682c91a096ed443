using System.Diagnostics;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Relay;

/// <summary>Postfix's smtp-source through the relay into Postfix's smtp-sink: every message arrives.</summary>
public sealed class SmtpSourceLoadTests
{
    [SkippableFact]
    public async Task SmtpSource_500MessagesTenSessions_AllDeliveredToSink()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new SkipException("smtp-source and smtp-sink are Postfix's Linux tools");
        }

        var source = ServiceEnvironment.RequireProgram("smtp-source");
        var sinkProgram = ServiceEnvironment.RequireProgram("smtp-sink");
        using var dir = new TempDirectory();
        var dump = Path.Combine(dir.Path, "dump");
        Directory.CreateDirectory(dump);
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_111_111);
        File.SetUnixFileMode(dump, (UnixFileMode)0b111_111_111); // smtp-sink runs as nobody when we are root

        var sinkPort = FreePort.Next();
        var sinkArgs = new List<string>();
        if (Environment.UserName == "root")
        {
            sinkArgs.AddRange(["-u", "nobody"]);
        }

        sinkArgs.AddRange(["-d", Path.Combine(dump, "m."), $"127.0.0.1:{sinkPort}", "256"]);
        using var sink = Process.Start(new ProcessStartInfo(sinkProgram, sinkArgs) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        Microsoft.Extensions.Hosting.IHost? relay = null;
        try
        {
            await WaitForListenerAsync(sinkPort);
            relay = await RelayHosts.StartRelayAsync($"127.0.0.1:{sinkPort}", configure: o => o with { Pool = o.Pool with { MaxConnectionsPerEndpoint = 10 } });
            const int Messages = 500;
            var (exit, output) = await ProcessRunner.RunAsync(source, ["-s", "10", "-m", Messages.ToString(System.Globalization.CultureInfo.InvariantCulture), "-l", "2048", "-f", "load@sender.test", "-t", "rcpt@example.test", "-M", "client.test", RelayHosts.Hop(relay)], TimeSpan.FromSeconds(120));
            Assert.True(exit == 0, output);

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Directory.GetFiles(dump).Length < Messages && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100); // waiting on an external process, not on our own logic
            }

            Assert.Equal(Messages, Directory.GetFiles(dump).Length);
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay);
            sink.Kill();
            await sink.WaitForExitAsync();
        }
    }

    private static async Task WaitForListenerAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException($"smtp-sink did not listen on {port}");
    }
}
