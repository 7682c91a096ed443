using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Queueing;

/// <summary>The admin command line talks to a running FallbackTier host over its control socket.</summary>
public sealed class QueueControlTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ControlSocket_ListFreezeShowRemove_ActOnTheRunningQueue()
    {
        using var dir = new TempDirectory();
        var spool = Path.Combine(dir.Path, "spool");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:Queue:SpoolPath"] = spool,
            ["MtaKit:Routing:Routes:0:Domains:0"] = "example.test",
            ["MtaKit:Routing:Routes:0:NextHops:0:Address"] = $"127.0.0.1:{FreePort.Next()}",
        });
        builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit")).UseFallbackTier();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await using (var c = await RawSmtpClient.ConnectAsync(host.EndPoint()))
            {
                await c.ReadReplyAsync();
                await c.CommandAsync("EHLO relay.test");
                await c.CommandAsync("MAIL FROM:<s@example.test>");
                await c.CommandAsync("RCPT TO:<u@example.test>");
                await c.CommandAsync("DATA");
                await c.SendRawAsync("Subject: held\r\n\r\nx\r\n.\r\n");
                Assert.StartsWith("250 2.0.0 Ok: queued as", await c.ReadLastLineAsync());
            }

            var output = new StringWriter();
            Assert.Equal(0, await QueueControl.RunClientAsync(spool, ["list"], output));
            var id = output.ToString().Split('\n')[1].Split(' ')[0];
            Assert.Contains("1 message(s) in tier tier1", output.ToString(), StringComparison.Ordinal);

            output = new StringWriter();
            Assert.Equal(0, await QueueControl.RunClientAsync(spool, ["freeze", id], output));
            Assert.Equal(0, await QueueControl.RunClientAsync(spool, ["show", id], output));
            Assert.Contains("frozen: True", output.ToString(), StringComparison.Ordinal);
            Assert.Equal(0, await QueueControl.RunClientAsync(spool, ["remove", id], output));
            Assert.Equal(1, await QueueControl.RunClientAsync(spool, ["remove", id], output));

            output = new StringWriter();
            await QueueControl.RunClientAsync(spool, ["list"], output);
            Assert.Contains("0 message(s)", output.ToString(), StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(spool, QueueControl.SocketFileName)));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
