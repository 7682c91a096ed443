using System.Net;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Health;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Http_HealthyHost_Answers200Healthy()
    {
        using var dir = new TempDirectory();
        var port = FreePort.Next();
        using var host = HealthHost.Build(HealthHost.Settings(port), dir.Path);
        await host.StartAsync();

        Assert.Equal((200, "healthy\n"), await HealthHost.GetAsync(port));
        Assert.Equal(404, (await HealthHost.GetAsync(port, "/other")).Code);
        await host.StopAsync();
    }

    [Fact]
    public async Task Http_SpoolDiskBelowMinimum_Answers503Unhealthy()
    {
        using var dir = new TempDirectory();
        var port = FreePort.Next();
        var settings = HealthHost.Settings(port);
        settings["MtaKit:Queue:SpoolPath"] = Path.Combine(dir.Path, "spool");
        settings["MtaKit:Health:MinFreeDiskBytes"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var host = HealthHost.Build(settings, dir.Path);
        await host.StartAsync();

        Assert.Equal((503, "unhealthy\n"), await HealthHost.GetAsync(port));
        await host.StopAsync();
    }

    [Fact]
    public async Task Http_SpoolDiskAboveMinimum_Answers200()
    {
        using var dir = new TempDirectory();
        var port = FreePort.Next();
        var settings = HealthHost.Settings(port);
        settings["MtaKit:Queue:SpoolPath"] = dir.Path;
        settings["MtaKit:Health:MinFreeDiskBytes"] = "1";
        using var host = HealthHost.Build(settings, dir.Path);
        await host.StartAsync();

        Assert.Equal(200, (await HealthHost.GetAsync(port)).Code);
        await host.StopAsync();
    }

    [Fact]
    public async Task Http_RouteWithoutReachableNextHop_Answers503()
    {
        using var dir = new TempDirectory();
        var port = FreePort.Next();
        var settings = HealthHost.Settings(port);
        settings["MtaKit:Routing:Routes:0:Domains:0"] = "example.test";
        settings["MtaKit:Routing:Routes:0:NextHops:0:Address"] = $"127.0.0.1:{FreePort.Next()}";
        using var host = HealthHost.Build(settings, dir.Path);
        await host.StartAsync();

        Assert.Equal(503, (await HealthHost.GetAsync(port)).Code);
        await host.StopAsync();
    }

    [Fact]
    public async Task Http_RouteWithOneReachableNextHop_Answers200()
    {
        using var dir = new TempDirectory();
        using var downstream = new TcpListener(IPAddress.Loopback, 0);
        downstream.Start();
        var port = FreePort.Next();
        var settings = HealthHost.Settings(port);
        settings["MtaKit:Routing:Routes:0:Domains:0"] = "example.test";
        settings["MtaKit:Routing:Routes:0:NextHops:0:Address"] = $"127.0.0.1:{FreePort.Next()}";
        settings["MtaKit:Routing:Routes:0:NextHops:1:Address"] = $"127.0.0.1:{((IPEndPoint)downstream.LocalEndpoint).Port}";
        using var host = HealthHost.Build(settings, dir.Path);
        await host.StartAsync();

        Assert.Equal(200, (await HealthHost.GetAsync(port)).Code);
        await host.StopAsync();
    }

    [Fact]
    public async Task Http_NextHopComesBack_ResultReusedForOneInterval()
    {
        using var dir = new TempDirectory();
        var port = FreePort.Next();
        var hopPort = FreePort.Next();
        var settings = HealthHost.Settings(port);
        settings["MtaKit:Routing:Routes:0:Domains:0"] = "example.test";
        settings["MtaKit:Routing:Routes:0:NextHops:0:Address"] = $"127.0.0.1:{hopPort}";
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = HealthHost.Build(settings, dir.Path, (services, _) => services.AddSingleton<TimeProvider>(time));
        await host.StartAsync();
        Assert.Equal(503, (await HealthHost.GetAsync(port)).Code);

        using var downstream = new TcpListener(IPAddress.Loopback, hopPort);
        downstream.Start();
        Assert.Equal(503, (await HealthHost.GetAsync(port)).Code); // probed less than an interval ago
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(200, (await HealthHost.GetAsync(port)).Code);
        await host.StopAsync();
    }

    [Fact]
    public async Task Http_ScannerPoolWithEveryEndpointFailed_Answers503()
    {
        using var dir = new TempDirectory();
        var port = FreePort.Next();
        var settings = HealthHost.Settings(port);
        settings["MtaKit:Scanning:Clamd:Endpoints:0:Address"] = $"127.0.0.1:{FreePort.Next()}";
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow); // the failed endpoint rests until the clock moves
        using var host = HealthHost.Build(settings, dir.Path, (services, mtaKit) =>
        {
            services.AddSingleton<TimeProvider>(time);
            mtaKit.UseScanning();
        });
        await host.StartAsync();
        Assert.Equal(200, (await HealthHost.GetAsync(port)).Code);

        using (var client = new SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", host.EndPoint().Port, MailKit.Security.SecureSocketOptions.None);
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse("alice@sender.test"));
            message.To.Add(MailboxAddress.Parse("bob@example.test"));
            message.Body = new TextPart("plain") { Text = "body" };
            var e = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message));
            Assert.Equal(451, (int)e.StatusCode);
        }

        Assert.Equal(503, (await HealthHost.GetAsync(port)).Code);
        await host.StopAsync();
    }

    [Fact]
    public async Task Tcp_AcceptsWhileHealthy_RefusesOnceUnhealthy()
    {
        using var dir = new TempDirectory();
        var port = FreePort.Next();
        var settings = HealthHost.Settings(port, "Tcp");
        settings["MtaKit:Health:Interval"] = "00:00:10";
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var healthEndPoint = new IPEndPoint(IPAddress.Loopback, port);
        var appHealthy = true;
        using var host = HealthHost.Build(settings, dir.Path, (services, _) =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.AddHealthChecks().AddCheck("application", () => appHealthy ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("switched off"));
        });
        await host.StartAsync();
        Assert.True(await HealthHost.AcceptsAsync(healthEndPoint));

        // an application check fails: the next evaluation closes the port
        appHealthy = false;
        await HealthHost.WaitUntilAsync(async () =>
        {
            time.Advance(TimeSpan.FromSeconds(10));
            return !await HealthHost.AcceptsAsync(healthEndPoint);
        }, "the TCP health port is refused");

        appHealthy = true;
        await HealthHost.WaitUntilAsync(async () =>
        {
            time.Advance(TimeSpan.FromSeconds(10));
            return await HealthHost.AcceptsAsync(healthEndPoint);
        }, "the TCP health port accepts again");
        await host.StopAsync();
    }

    [Fact]
    public async Task Host_InvalidHealthEndpoint_FailsAtStartNamingTheKey()
    {
        using var dir = new TempDirectory();
        var settings = HealthHost.Settings(FreePort.Next());
        settings["MtaKit:Health:Endpoint"] = "nowhere";
        settings["MtaKit:Health:Mode"] = "Udp";
        using var host = HealthHost.Build(settings, dir.Path);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("MtaKit:Health:Endpoint 'nowhere' is not host:port", e.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Health:Mode", e.Message, StringComparison.Ordinal);
    }
}
