using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MtaKit.Hosting.Tests.Hints;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Observability;

/// <summary>The metrics an exporter sees and the two log lines an admin greps, on real hosts.</summary>
public sealed class MetricsAndLogLinesTests
{
    [Fact]
    public async Task FallbackTier_HeldMessage_QueueGaugesAndPinnedLogLines()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MtaKit:ServerName"] = "tier.test",
            ["MtaKit:AnnounceListeners"] = "false",
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:Queue:SpoolPath"] = Path.Combine(dir.Path, "spool"),
            ["MtaKit:Queue:Tier:Name"] = "gauge-tier",
            ["MtaKit:Routing:Routes:0:Domains:0"] = "example.test",
            ["MtaKit:Routing:Routes:0:NextHops:0:Address"] = $"127.0.0.1:{FreePort.Next()}",
        });
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit")).UseFallbackTier();
        using var host = builder.Build();
        using var meters = new MeterRecorder(host);
        await host.StartAsync();
        try
        {
            Assert.Equal(0, Assert.Single(meters.Observe("mtakit.queue.depth")).Value);
            string queueId;
            await using (var c = await RawSmtpClient.ConnectAsync(host.EndPoint()))
            {
                await c.ReadReplyAsync();
                await c.CommandAsync("EHLO relay.test");
                await c.CommandAsync("MAIL FROM:<s@example.test>");
                await c.CommandAsync("RCPT TO:<u@example.test>");
                await c.CommandAsync("DATA");
                await c.SendRawAsync("Subject: held\r\n\r\nx\r\n.\r\n");
                var reply = await c.ReadLastLineAsync();
                queueId = Regex.Match(reply, "^250 2.0.0 Ok: queued as (\\S+)$").Groups[1].Value;
                Assert.NotEmpty(queueId);
            }

            // the first attempt fails (the next hop is down): the message is held
            await Health.HealthHost.WaitUntilAsync(() => Task.FromResult(logs.Events.Any(e => e.EventId == 3301)), "the first delivery attempt");
            time.Advance(TimeSpan.FromSeconds(90));

            var depth = Assert.Single(meters.Observe("mtakit.queue.depth"));
            Assert.Equal(1, depth.Value);
            Assert.Equal("gauge-tier", depth.Tags["tier"]);
            var age = Assert.Single(meters.Observe("mtakit.queue.oldest_age"));
            Assert.InRange(age.Value, 90, 91);
            Assert.Equal("gauge-tier", age.Tags["tier"]);

            // pinned formats (docs/logging.md): the transaction summary and the delivery attempt
            var summary = logs.Events.Single(e => e.EventId == 1020).Message;
            Assert.True(Regex.IsMatch(summary,
                $"^message \\S+ session=\\S+ client=\\[127\\.0\\.0\\.1\\] helo=relay\\.test from=<s@example\\.test> rcpts=u@example\\.test size=20 verdict=Accept reply=\"250 2\\.0\\.0 Ok: queued as {queueId}\" reason=spooled as {queueId} ms=\\d+$"), summary);
            var attempt = logs.Events.First(e => e.EventId == 3301).Message;
            Assert.True(Regex.IsMatch(attempt,
                $"^delivery {queueId} tier=gauge-tier attempt=1 host=127\\.0\\.0\\.1:\\d+ rcpt=<u@example\\.test> status=Transient reply=\"451 4\\.4\\.1 Connection to 127\\.0\\.0\\.1:\\d+ failed: ConnectionRefused\" peer-id=$"), attempt);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [SkippableFact]
    public async Task DnsResolver_RepeatedLookup_CountsOneMissThenOneHit()
    {
        var dns = ServiceEnvironment.Require("DNS");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["MtaKit:Dns:Servers:0"] = dns.ToString() });
        builder.Services.AddMtaKitDns(builder.Configuration.GetSection("MtaKit"));
        using var host = builder.Build();
        using var meters = new MeterRecorder(host);
        var resolver = host.Services.GetRequiredService<IDnsResolver>();

        var first = await resolver.QueryAsync("cache-probe.nothing.test", DnsRecordType.A);
        var second = await resolver.QueryAsync("cache-probe.nothing.test", DnsRecordType.A);

        Assert.Equal(DnsStatus.NxDomain, first.Status);
        Assert.Equal(first.Status, second.Status);
        Assert.Equal(1, meters.Sum("mtakit.dns.cache.misses"));
        Assert.Equal(1, meters.Sum("mtakit.dns.cache.hits"));
        Assert.Equal(1, meters.Sum("mtakit.dns.queries"));
    }
}
