using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Handlers.Maildir;
using MtaKit.Routing;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Policy;

/// <summary>The policy stages composed with Use*() and bound from key/value configuration in a real host.</summary>
public sealed class PolicyHostTests : IDisposable
{
    private const string Zone = """
        $ZONE test
        $ZONE in-addr.arpa
        10.2.0.192.bl.test            A    127.0.0.2
        10.2.0.192.bl.test            TXT  "listed in bl.test"
        10.2.0.192.in-addr.arpa       PTR  host.client.test
        host.client.test              A    192.0.2.10
        good.test                     MX   10 mx.good.test
        mx.good.test                  A    192.0.2.50
        good.test                     TXT  "v=spf1 ip4:192.0.2.10 -all"
        nullmx.test                   MX   0 .
        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private IHost Build(Dictionary<string, string?> extra, Action<MtaKitBuilder> compose)
    {
        var zoneFile = Path.Combine(_dir.Path, "policy.zone");
        File.WriteAllText(zoneFile, Zone);
        var settings = new Dictionary<string, string?>
        {
            ["MtaKit:ServerName"] = "mx.test",
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:Listeners:smtp:ProxyProtocol"] = "true",
            ["MtaKit:Listeners:smtp:TrustedProxies:0"] = "127.0.0.0/8",
            ["MtaKit:Dns:StaticZoneFiles:0"] = zoneFile,
            ["MtaKit:Dns:Servers:0"] = new IPEndPoint(IPAddress.Loopback, FreePort.Next()).ToString(),
            ["MtaKit:Dnsbl:Lists:0:Zone"] = "bl.test",
            ["MtaKit:Dnsbl:Lists:0:Weight"] = "2",
            ["MtaKit:Dnsbl:Lists:0:Codes:0"] = "127.0.0.2-127.0.0.3",
            ["MtaKit:Dnsbl:Threshold"] = "2",
        };
        foreach (var (k, v) in extra)
        {
            settings[k] = v;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        var domains = new List<DomainPattern> { DomainPattern.Parse("example.test") };
        var mtaKit = builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
            .UseMessageHandler(_ => new MaildirMessageHandler(new MaildirOptions { Root = Path.Combine(_dir.Path, "mail"), Domains = domains }))
            .UseRelayControl(_ => new RelayControl(new RelayControlOptions { LocalDomains = domains }));
        compose(mtaKit);
        return builder.Build();
    }

    private static void All(MtaKitBuilder b) => b.UseHeaderSanitising().UseHeloChecks().UseDnsbl().UseSenderChecks().UseSpf();

    private static async Task<RawSmtpClient> ConnectAsync(IHost host, string client)
    {
        var c = await RawSmtpClient.ConnectAsync(host.EndPoint());
        await c.SendRawAsync($"PROXY TCP4 {client} 192.0.2.1 1234 25\r\n");
        return c;
    }

    [Fact]
    public async Task AllStages_FromConfiguration_RejectAtRcptSanitiseAndTag()
    {
        using var host = Build([], All);
        await host.StartAsync();
        await using (var c = await ConnectAsync(host, "192.0.2.10"))
        {
            Assert.StartsWith("220 ", await c.ReadLastLineAsync(), StringComparison.Ordinal);
            Assert.StartsWith("250 ", await c.CommandAsync("EHLO host.client.test"), StringComparison.Ordinal);
            Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<a@good.test>"), StringComparison.Ordinal);
            Assert.Equal("550 5.7.1 Service unavailable; client [192.0.2.10] blocked using bl.test; listed in bl.test", await c.CommandAsync("RCPT TO:<bob@example.test>"));
            Assert.StartsWith("250 ", await c.CommandAsync("RCPT TO:<postmaster@example.test>"), StringComparison.Ordinal);
            Assert.StartsWith("354 ", await c.CommandAsync("DATA"), StringComparison.Ordinal);
            await c.SendRawAsync("X-Spam-Flag: NO\r\nAuthentication-Results: mx.test; spf=pass\r\nSubject: hi\r\n\r\nbody\r\n.\r\n");
            Assert.StartsWith("250 ", await c.ReadLastLineAsync(), StringComparison.Ordinal);
        }

        await host.StopAsync();
        var text = File.ReadAllText(Assert.Single(Directory.GetFiles(Path.Combine(_dir.Path, "mail", "postmaster@example.test", "new"))));
        Assert.Contains("Received-SPF: pass (mx.test: domain of a@good.test designates 192.0.2.10 as permitted sender)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Spam-Flag", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Authentication-Results", text, StringComparison.Ordinal);
        Assert.Contains("Subject: hi", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseDnsbl_RejectAtConnect_554Greeting()
    {
        using var host = Build(new() { ["MtaKit:Dnsbl:RejectAt"] = "Connect" }, b => b.UseDnsbl());
        await host.StartAsync();
        await using var c = await ConnectAsync(host, "192.0.2.10");

        Assert.Equal("554 Service unavailable; client [192.0.2.10] blocked using bl.test; listed in bl.test", await c.ReadLastLineAsync());
        await host.StopAsync();
    }

    [Fact]
    public async Task UseDnsbl_AboveThreshold_NotBlocked()
    {
        using var host = Build(new() { ["MtaKit:Dnsbl:RejectAt"] = "Connect", ["MtaKit:Dnsbl:Threshold"] = "3" }, b => b.UseDnsbl());
        await host.StartAsync();
        await using var c = await ConnectAsync(host, "192.0.2.10");

        Assert.Equal("220 mx.test ESMTP MtaKit", await c.ReadLastLineAsync());
        await host.StopAsync();
    }

    [Theory]
    [InlineData("MtaKit:Spf:Enabled", "false", "MAIL FROM:<a@good.test>", "250 ")]
    [InlineData("MtaKit:Spf:FailAction", "Tag", "MAIL FROM:<a@good.test>", "250 ")]
    [InlineData("MtaKit:Spf:FailAction", "Reject", "MAIL FROM:<a@good.test>", "550 5.7.23 ")]
    [InlineData("MtaKit:SenderChecks:Enabled", "false", "MAIL FROM:<a@nullmx.test>", "250 ")]
    [InlineData("MtaKit:SenderChecks:RejectUnroutableDomains", "true", "MAIL FROM:<a@nullmx.test>", "550 5.1.8 Sender domain nullmx.test does not accept mail (null MX)")]
    [InlineData("MtaKit:HeloChecks:InvalidSyntaxAction", "Score", "EHLO localhost", "250")]
    [InlineData("MtaKit:HeloChecks:InvalidSyntaxAction", "Reject", "EHLO localhost", "501 5.5.2 ")]
    [InlineData("MtaKit:HeloChecks:OurNames:0", "relay2.test", "EHLO relay2.test", "550 5.7.1 You are not me")]
    public async Task UseStages_KeyFromConfiguration_Applied(string key, string value, string command, string expected)
    {
        using var host = Build(new() { [key] = value }, b => b.UseHeloChecks().UseSenderChecks().UseSpf());
        await host.StartAsync();
        await using (var c = await ConnectAsync(host, "192.0.2.99"))
        {
            Assert.StartsWith("220 ", await c.ReadLastLineAsync(), StringComparison.Ordinal);
            if (!command.StartsWith("EHLO", StringComparison.Ordinal))
            {
                Assert.StartsWith("250 ", await c.CommandAsync("EHLO client.test"), StringComparison.Ordinal);
            }

            Assert.StartsWith(expected, await c.CommandAsync(command), StringComparison.Ordinal);
        }

        await host.StopAsync();
    }

    [Theory]
    [InlineData("MtaKit:Dnsbl:Lists:0:Weight", "0", "MtaKit:Dnsbl:Lists:0:Weight: must not be 0")]
    [InlineData("MtaKit:Dnsbl:Lists:0:Codes:1", "127.0.0", "MtaKit:Dnsbl:Lists:0:Codes:1: '127.0.0' is not an IPv4 address")]
    [InlineData("MtaKit:Dnsbl:RejectAt", "Later", "MtaKit:Dnsbl:")]
    [InlineData("MtaKit:Spf:FailAction", "Bounce", "MtaKit:Spf:")]
    [InlineData("MtaKit:HeloChecks:MaxPtrNames", "0", "MtaKit:HeloChecks:MaxPtrNames: must be from 1 to 20.")]
    public async Task UseStages_InvalidConfiguration_FailsAtStartNamingTheKey(string key, string value, string expected)
    {
        using var host = Build(new() { [key] = value }, All);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseSpf_EnabledNotBoolean_FailsNamingTheKey()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Build(new() { ["MtaKit:Spf:Enabled"] = "maybe" }, b => b.UseSpf()));
        Assert.Contains("MtaKit:Spf:Enabled 'maybe' is not a valid boolean", e.Message, StringComparison.Ordinal);
    }
}
