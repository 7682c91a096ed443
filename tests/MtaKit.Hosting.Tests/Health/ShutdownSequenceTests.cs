using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Health;

public sealed class ShutdownSequenceTests
{
    [Fact]
    public async Task StopAsync_ReportsUnhealthyThenClosesListenerThenDrains_InFlightDataFinishesWith250()
    {
        using var dir = new TempDirectory();
        var healthPort = FreePort.Next();
        var settings = HealthHost.Settings(healthPort);
        settings["MtaKit:Health:UnhealthyGracePeriod"] = "00:00:05";
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = HealthHost.Build(settings, dir.Path, (services, _) => services.AddSingleton<TimeProvider>(time));
        await host.StartAsync();
        var smtp = host.EndPoint();
        Assert.Equal(200, (await HealthHost.GetAsync(healthPort)).Code);

        // a transaction in the middle of DATA
        await using var client = await RawSmtpClient.ConnectAsync(smtp);
        Assert.Equal(220, await client.ReadCodeAsync());
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<alice@sender.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        await client.SendRawAsync("Subject: in flight\r\n\r\nfirst half\r\n");

        var stopping = host.StopAsync();

        // 1. unhealthy while the SMTP listener still accepts (the grace period for the switch)
        await HealthHost.WaitUntilAsync(async () => (await HealthHost.GetAsync(healthPort)).Code == 503, "health answers 503");
        Assert.Equal("unhealthy\n", (await HealthHost.GetAsync(healthPort)).Body);
        Assert.True(await HealthHost.AcceptsAsync(smtp), "the SMTP listener closed before the grace period ended");
        Assert.False(stopping.IsCompleted);

        // 2. after the grace period the listener closes, health still answers 503
        time.Advance(TimeSpan.FromSeconds(5));
        await HealthHost.WaitUntilAsync(async () => !await HealthHost.AcceptsAsync(smtp), "the SMTP listener is closed");
        Assert.Equal(503, (await HealthHost.GetAsync(healthPort)).Code);

        // 3. the in-flight transaction finishes: 250, then the drain answers 421
        await client.SendRawAsync("second half\r\n.\r\n");
        Assert.StartsWith("250", await client.ReadLastLineAsync(), StringComparison.Ordinal);
        Assert.StartsWith("421", await client.CommandAsync("MAIL FROM:<alice@sender.test>"), StringComparison.Ordinal);
        await stopping;

        Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, "bob@example.test", "new")));
        Assert.False(await HealthHost.AcceptsAsync(new IPEndPoint(IPAddress.Loopback, healthPort)), "the health endpoint outlived the host");
    }
}
