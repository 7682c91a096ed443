using MtaKit.Scanning.Tests.Support;
using MtaKit.Testing;

namespace MtaKit.Scanning.Tests.Stage;

/// <summary>
/// EICAR and GTUBE end to end: a client talks to a real in-process relay (data-scan stage +
/// pass-through relay) in front of a real mailstore (Maildir), scanning with the embedded scanners
/// and with the real clamd, spamd and rspamd from tests/services.
/// </summary>
public sealed class ScanStageServiceTests
{
    private static string Clamd() => Address("CLAMD");

    private static string Address(string service)
    {
        var endPoint = ServiceEnvironment.Require(service);
        return $"{endPoint.Address}:{endPoint.Port}";
    }

    private static async Task<ScanStageHost> StartRelayAsync(ScanningOptions options)
    {
        var scanners = ScannerSetFactory.Create(options);
        return await ScanStageHost.StartAsync(true, ScanningStage.Create(scanners, options));
    }

    private static string Eicar => TestMessages.Mail(TestMessages.Eicar);

    private static string Gtube => TestMessages.Mail("Buy now!\n" + TestMessages.Gtube + "\n");

    [Fact]
    public async Task Relay_EmbeddedScanners_RejectEicarAndGtube550AndPassCleanMail()
    {
        await using var host = await StartRelayAsync(new ScanningOptionsBuilder().UseEmbedded().Build());

        Assert.StartsWith("550 5.7.1 Message rejected: virus found (Eicar-Test-Signature", await host.SendAsync(Eicar), StringComparison.Ordinal);
        Assert.StartsWith("550 5.7.1 ", await host.SendAsync(Gtube), StringComparison.Ordinal);
        Assert.Empty(host.Delivered());

        Assert.StartsWith("250 ", await host.SendAsync(TestMessages.Clean), StringComparison.Ordinal);
        var delivered = Assert.Single(host.Delivered());
        Assert.Contains("X-Spam-Flag: NO\r\n", delivered, StringComparison.Ordinal);
        Assert.Contains("X-Spam-Score: 0.0\r\n", delivered, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Relay_Clamd_RejectsEicar550WithSignature()
    {
        await using var host = await StartRelayAsync(new ScanningOptionsBuilder().AddClamd(Clamd()).Build());

        var reply = await host.SendAsync(Eicar);

        Assert.StartsWith("550 5.7.1 Message rejected: virus found (", reply, StringComparison.Ordinal);
        Assert.Contains("Eicar", reply, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, host.FileCount);
    }

    [SkippableFact]
    public async Task Relay_Spamd_RejectsGtube550()
    {
        await using var host = await StartRelayAsync(new ScanningOptionsBuilder().AddSpamd(Address("SPAMD")).Build());

        Assert.StartsWith("550 5.7.1 Message rejected as spam (score ", await host.SendAsync(Gtube), StringComparison.Ordinal);
        Assert.Equal(0, host.FileCount);
    }

    [SkippableFact]
    public async Task Relay_Rspamd_RejectsGtube550()
    {
        await using var host = await StartRelayAsync(new ScanningOptionsBuilder().AddRspamd(Address("RSPAMD")).Build());

        Assert.StartsWith("550 5.7.1 ", await host.SendAsync(Gtube), StringComparison.Ordinal);
        Assert.Equal(0, host.FileCount);
    }

    [SkippableFact]
    public async Task Relay_MessageAboveClamdLimit_Rejects552AndAcceptsNothing()
    {
        var options = new ScanningOptionsBuilder(new ScanningOptions { Clamd = new ScannerEndpointGroup { MaxMessageSize = 1024 } }).AddClamd(Clamd()).Build();
        await using var host = await StartRelayAsync(options);

        Assert.Equal("552 5.3.4 Message too big for content scanning", await host.SendAsync(TestMessages.Mail(new string('x', 4000))));
        Assert.StartsWith("250 ", await host.SendAsync(TestMessages.Mail("short")), StringComparison.Ordinal);
        Assert.Single(host.Delivered());
    }

    [SkippableFact]
    public async Task Relay_AllDaemons_CleanMailReachesMaildirWithSpamHeaders()
    {
        var options = new ScanningOptionsBuilder().AddClamd(Clamd()).AddSpamd(Address("SPAMD")).AddRspamd(Address("RSPAMD")).Build();
        await using var host = await StartRelayAsync(options);
        var message = TestMessages.Clean.ReplaceLineEndings("\r\n");

        Assert.StartsWith("250 ", await host.SendAsync(message), StringComparison.Ordinal);

        var delivered = Assert.Single(host.Delivered());
        Assert.EndsWith(message, delivered, StringComparison.Ordinal);
        Assert.Contains("X-Spam-Flag: NO\r\n", delivered, StringComparison.Ordinal);
        Assert.Matches(@"X-Spam-Score: -?\d+\.\d\r\n", delivered);
        Assert.Matches(@"X-Spam-Status: No, score=-?\d+\.\d required=5\.0\s+tests=", delivered);
    }

    [SkippableFact]
    public async Task Relay_OneClamdEndpointDown_KeepsAnswering250()
    {
        var down = $"127.0.0.1:{FreePort.Next()}";
        var options = new ScanningOptionsBuilder().AddClamd(down).AddClamd(Clamd()).Build();
        await using var host = await StartRelayAsync(options);

        for (var i = 0; i < 4; i++)
        {
            Assert.StartsWith("250 ", await host.SendAsync(TestMessages.Clean), StringComparison.Ordinal);
        }

        Assert.Equal(4, host.Delivered().Count);
        Assert.All(host.Delivered(), m => Assert.DoesNotContain("X-MtaKit-Scan", m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Relay_EveryClamdEndpointDown_Defers451AndAcceptsNothing()
    {
        var options = new ScanningOptionsBuilder().AddClamd($"127.0.0.1:{FreePort.Next()}").AddClamd($"127.0.0.1:{FreePort.Next()}").Build();
        await using var host = await StartRelayAsync(options);

        Assert.Equal("451 4.7.1 Message could not be scanned now, try again later", await host.SendAsync(TestMessages.Clean));
        Assert.Equal("451 4.7.1 Message could not be scanned now, try again later", await host.SendAsync(TestMessages.Clean)); // both resting: answered at once
        Assert.Equal(0, host.FileCount);
    }
}
