using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Scanning;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Scanning;

public sealed class ScanningBuilderExtensionsTests
{
    private static string Closed() => $"127.0.0.1:{FreePort.Next()}";

    [Fact]
    public async Task UseScanning_NoScannerConfigured_FailsAtStartNamingTheKeys()
    {
        using var fixture = new ScanningHostFixture([], b => b.UseScanning());

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Host.StartAsync());

        Assert.Contains("MtaKit:Scanning names no scanner", e.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Scanning:Clamd:Endpoints:0:Address", e.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Scanning:Embedded:Enabled=true", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseScanning_EmbeddedDisabledExplicitly_StillFails()
    {
        using var fixture = new ScanningHostFixture(new() { ["MtaKit:Scanning:Embedded:Enabled"] = "false" }, b => b.UseScanning());

        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Host.StartAsync());
    }

    [Theory]
    [InlineData("MtaKit:Scanning:Clamd:Endpoints:0:Address", "clamd:notaport", "MtaKit:Scanning:Clamd:Endpoints:0:Address")]
    [InlineData("MtaKit:Scanning:FailPolicy", "Sometimes", "MtaKit:Scanning:FailPolicy")]
    [InlineData("MtaKit:Scanning:Clamd:Endpoint:0:Address", "127.0.0.1:3310", "'Endpoint'")]
    [InlineData("MtaKit:Scanning:Spam:RejectScore", "1", "MtaKit:Scanning:Spam:RejectScore (1) must not be below")]
    public async Task UseScanning_InvalidConfiguration_FailsAtStartNamingTheKey(string key, string value, string expected)
    {
        using var fixture = new ScanningHostFixture(new() { ["MtaKit:Scanning:Embedded:Enabled"] = "true", [key] = value }, b => b.UseScanning());

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Host.StartAsync());

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseScanning_CalledTwice_Throws()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new ScanningHostFixture([], b => b.UseScanning().UseScanning()));

        Assert.Contains("UseScanning() was called twice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseScanning_CodeAddsToConfiguration()
    {
        var settings = new Dictionary<string, string?>
        {
            ["MtaKit:Scanning:Clamd:Endpoints:0:Address"] = Closed(),
            ["MtaKit:Scanning:Spam:TagScore"] = "4",
            ["MtaKit:Scanning:FailPolicy"] = "Accept",
        };
        using var fixture = new ScanningHostFixture(settings, b => b.UseScanning(scan => scan.AddClamd(Closed(), weight: 2).AddSpamd(Closed())));
        await fixture.Host.StartAsync();

        var options = fixture.Host.Services.GetRequiredService<ScanningOptions>();
        var scanners = fixture.Host.Services.GetRequiredService<ScannerSet>();

        Assert.Equal([1, 2], options.Clamd.Endpoints.Select(e => e.Weight));
        Assert.Single(options.Spamd.Endpoints);
        Assert.Equal(4, options.Spam.TagScore);
        Assert.Equal(ScanFailPolicy.Accept, options.FailPolicy);
        Assert.Equal(["clamd", "spamd"], scanners.Pools.Select(p => p.Name));
        await fixture.Host.StopAsync();
    }

    [Fact]
    public async Task UseScanning_EmbeddedFromConfiguration_RejectsEicarAndGtube550AndDeliversClean()
    {
        using var fixture = new ScanningHostFixture(new() { ["MtaKit:Scanning:Embedded:Enabled"] = "true" }, b => b.UseScanning());
        await fixture.Host.StartAsync();

        Assert.Equal("550 5.7.1 Message rejected: virus found (Eicar-Test-Signature)", await fixture.SendAsync(ScanningHostFixture.Mail(ScanningHostFixture.Eicar)));
        Assert.StartsWith("550 5.7.1 Message rejected as spam", await fixture.SendAsync(ScanningHostFixture.Mail(ScanningHostFixture.Gtube)), StringComparison.Ordinal);
        Assert.Empty(fixture.Delivered());

        Assert.StartsWith("250 ", await fixture.SendAsync(ScanningHostFixture.Mail("Hello Bob")), StringComparison.Ordinal);
        Assert.Contains("X-Spam-Flag: NO\r\n", Assert.Single(fixture.Delivered()), StringComparison.Ordinal);
        Assert.Contains(fixture.Logs.Entries, e => e.Id.Id == 3200 && e.Message.Contains("Eicar-Test-Signature", StringComparison.Ordinal));
        await fixture.Host.StopAsync();
    }

    [SkippableFact]
    public async Task UseScanning_RealClamdSpamdRspamdFromCode_RejectEicarAndGtube550()
    {
        var clamd = ServiceEnvironment.Require("CLAMD");
        var spamd = ServiceEnvironment.Require("SPAMD");
        var rspamd = ServiceEnvironment.Require("RSPAMD");
        using var fixture = new ScanningHostFixture([], b => b.UseScanning(scan => scan
            .AddClamd($"{clamd.Address}:{clamd.Port}")
            .AddSpamd($"{spamd.Address}:{spamd.Port}")
            .AddRspamd($"http://{rspamd.Address}:{rspamd.Port}")));
        await fixture.Host.StartAsync();

        Assert.StartsWith("550 5.7.1 Message rejected: virus found (", await fixture.SendAsync(ScanningHostFixture.Mail(ScanningHostFixture.Eicar)), StringComparison.Ordinal);
        Assert.StartsWith("550 5.7.1 ", await fixture.SendAsync(ScanningHostFixture.Mail(ScanningHostFixture.Gtube)), StringComparison.Ordinal);
        Assert.Empty(fixture.Delivered());

        Assert.StartsWith("250 ", await fixture.SendAsync(ScanningHostFixture.Mail("Hello Bob, lunch at noon?")), StringComparison.Ordinal);
        Assert.Contains("X-Spam-Status: No, score=", Assert.Single(fixture.Delivered()), StringComparison.Ordinal);
        await fixture.Host.StopAsync();
    }

    [Fact]
    public async Task UseScanning_ListenerMaxMessageSizeAboveClamdLimit_WarnsAtStart()
    {
        var settings = new Dictionary<string, string?>
        {
            ["MtaKit:Scanning:Clamd:Endpoints:0:Address"] = Closed(),
            ["MtaKit:Scanning:Clamd:MaxMessageSize"] = "1048576",
        };
        using var fixture = new ScanningHostFixture(settings, b => b.UseScanning());
        await fixture.Host.StartAsync();

        var warning = Assert.Single(fixture.Logs.Entries, e => e.Id.Id == 3250);
        Assert.Contains("Listener smtp accepts messages up to 52428800 bytes but clamd takes at most 1048576 bytes (MtaKit:Scanning:Clamd:MaxMessageSize)", warning.Message, StringComparison.Ordinal);
        Assert.Contains("552 5.3.4", warning.Message, StringComparison.Ordinal);
        await fixture.Host.StopAsync();
    }

    [Fact]
    public async Task UseScanning_ListenerMaxMessageSizeWithinScannerLimits_NoWarning()
    {
        var settings = new Dictionary<string, string?>
        {
            ["MtaKit:Limits:MaxMessageSize"] = "1048576",
            ["MtaKit:Scanning:Clamd:Endpoints:0:Address"] = Closed(),
            ["MtaKit:Scanning:Clamd:MaxMessageSize"] = "2097152",
            ["MtaKit:Scanning:Embedded:Enabled"] = "true",
        };
        using var fixture = new ScanningHostFixture(settings, b => b.UseScanning());
        await fixture.Host.StartAsync();

        Assert.DoesNotContain(fixture.Logs.Entries, e => e.Id.Id == 3250);
        Assert.Contains(fixture.Logs.Entries, e => e.Id.Id == 3251 && e.Message.StartsWith("Scanning with clamd x1, embedded", StringComparison.Ordinal));
        await fixture.Host.StopAsync();
    }
}
