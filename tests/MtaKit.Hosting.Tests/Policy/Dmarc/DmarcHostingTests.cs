using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Handlers.Maildir;
using MtaKit.Routing;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Policy.Dmarc;

/// <summary><c>UseDmarc()</c> in a real host: options from MtaKit:Dmarc / MtaKit:Dkim, DNS from a static zone file.</summary>
public sealed class DmarcHostingTests : IDisposable
{
    private const string Zone = """
        $ZONE test
        example.test          TXT "v=spf1 ip4:192.0.2.99 -all"
        _dmarc.example.test   TXT "v=DMARC1; p=reject"
        """;

    private const string Forged = "From: Alice <alice@example.test>\r\nTo: bob@example.test\r\nSubject: forged\r\n\r\nhello\r\n";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private IHost Build(Dictionary<string, string?> extra)
    {
        var zoneFile = Path.Combine(_dir.Path, "dmarc.zone");
        File.WriteAllText(zoneFile, Zone);
        var settings = new Dictionary<string, string?>
        {
            ["MtaKit:ServerName"] = "mx.test",
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:Dns:StaticZoneFiles:0"] = zoneFile,
        };
        foreach (var (k, v) in extra)
        {
            settings[k] = v;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        var domains = new List<DomainPattern> { DomainPattern.Parse("example.test") };
        builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
            .UseDmarc()
            .UseMessageHandler(_ => new MaildirMessageHandler(new MaildirOptions { Root = Path.Combine(_dir.Path, "mail"), Domains = domains }))
            .UseRelayControl(_ => new RelayControl(new RelayControlOptions { LocalDomains = domains }));
        return builder.Build();
    }

    private static async Task<string> SendForgedAsync(IHost host)
    {
        await using var c = await RawSmtpClient.ConnectAsync(host.EndPoint());
        await c.ReadReplyAsync();
        await c.SendAsync("EHLO client.evil.test");
        await c.ReadReplyAsync();
        Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<attacker@evil.test>"));
        Assert.StartsWith("250 ", await c.CommandAsync("RCPT TO:<bob@example.test>"));
        Assert.StartsWith("354 ", await c.CommandAsync("DATA"));
        await c.SendRawAsync(Forged + ".\r\n");
        return await c.ReadLastLineAsync();
    }

    [Fact]
    public async Task UseDmarc_EnforceFromConfiguration_RejectsForgedFrom()
    {
        using var host = Build(new() { ["MtaKit:Dmarc:Enforce"] = "true" });
        await host.StartAsync();

        var reply = await SendForgedAsync(host);

        await host.StopAsync();
        Assert.Equal("550 5.7.1 Email rejected per DMARC policy for example.test", reply);
    }

    [Fact]
    public async Task UseDmarc_MonitorOnlyByDefault_DeliversWithAuthenticationResults()
    {
        using var host = Build(new() { ["MtaKit:Dmarc:AuthServId"] = "auth.example.test" });
        await host.StartAsync();

        var reply = await SendForgedAsync(host);

        await host.StopAsync();
        Assert.StartsWith("250 2.0.0 Ok", reply, StringComparison.Ordinal);
        var stored = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(Path.Combine(_dir.Path, "mail", "bob@example.test", "new"))));
        Assert.Contains(
            "Authentication-Results: auth.example.test;\r\n\tspf=none smtp.mailfrom=attacker@evil.test;\r\n\tdkim=none;\r\n\tdmarc=fail (p=reject dis=reject) header.from=example.test\r\n",
            stored,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MtaKit:Dmarc:Enforce", "maybe", "MtaKit:Dmarc:Enforce 'maybe' is not a valid")]
    [InlineData("MtaKit:Dmarc:QuarantineAction", "Bounce", "MtaKit:Dmarc:QuarantineAction 'Bounce' is not a valid")]
    [InlineData("MtaKit:Dmarc:PublicSuffixListPath", "/nonexistent/psl.dat", "MtaKit:Dmarc:PublicSuffixListPath '/nonexistent/psl.dat' does not exist")]
    [InlineData("MtaKit:Dmarc:AuthServId", "mx test", "MtaKit:Dmarc:AuthServId 'mx test' must be a host name")]
    [InlineData("MtaKit:Dkim:MaxSignatures", "0", "MtaKit:Dkim:MaxSignatures must be between 1 and 50")]
    public async Task UseDmarc_InvalidConfiguration_FailsAtStartNamingTheKey(string key, string value, string expected)
    {
        using var host = Build(new() { [key] = value });

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
