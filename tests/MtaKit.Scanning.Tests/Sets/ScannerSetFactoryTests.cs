using MtaKit.Scanning.Tests.Support;
using MtaKit.Testing;

namespace MtaKit.Scanning.Tests.Sets;

public sealed class ScannerSetFactoryTests
{
    private static ScanningOptions AllServices()
    {
        var clamd = ServiceEnvironment.Require("CLAMD");
        var spamd = ServiceEnvironment.Require("SPAMD");
        var rspamd = ServiceEnvironment.Require("RSPAMD");
        return new ScanningOptions
        {
            Clamd = new() { Endpoints = [new() { Address = clamd.ToString() }] },
            Spamd = new() { Endpoints = [new() { Address = spamd.ToString() }] },
            Rspamd = new() { Endpoints = [new() { Address = $"http://{rspamd}" }] },
            Embedded = new() { Enabled = true },
            Timeout = TimeSpan.FromSeconds(20),
        };
    }

    [SkippableFact]
    public async Task ScanAsync_Eicar_RejectedByClamdAndEmbedded()
    {
        await using var sut = ScannerSetFactory.Create(AllServices());

        var summary = await sut.ScanAsync(TestMessages.Request(TestMessages.Mail(TestMessages.Eicar)), CancellationToken.None);

        Assert.Equal(ScanAction.Reject, summary.Action);
        Assert.Equal(550, summary.Reply!.Code);
        // pools report the endpoint that answered
        Assert.Equal(["clamd:", "spamd:", "rspamd:", "embedded:signatures", "embedded:gtube", "embedded:attachments"], summary.Results.Select(r => r.Scanner.StartsWith("embedded", StringComparison.Ordinal) ? r.Scanner : r.Scanner[..(r.Scanner.IndexOf(':', StringComparison.Ordinal) + 1)]));
        Assert.Equal(ScanVerdict.Infected, summary.Results[0].Verdict);
        Assert.Equal(ScanVerdict.Infected, summary.Results[3].Verdict);
    }

    [SkippableFact]
    public async Task ScanAsync_Gtube_RejectedAsSpam()
    {
        await using var sut = ScannerSetFactory.Create(AllServices());

        var summary = await sut.ScanAsync(TestMessages.Request(TestMessages.Mail(TestMessages.Gtube)), CancellationToken.None);

        Assert.Equal(ScanAction.Reject, summary.Action);
        Assert.Equal(550, summary.Reply!.Code);
        Assert.True(summary.SpamScore >= 1000);
    }

    [SkippableFact]
    public async Task ScanAsync_CleanMessage_Accepted()
    {
        await using var sut = ScannerSetFactory.Create(AllServices());

        var summary = await sut.ScanAsync(TestMessages.Request(TestMessages.Clean), CancellationToken.None);

        Assert.Equal(ScanAction.Accept, summary.Action);
        Assert.All(summary.Results, r => Assert.Equal(ScanVerdict.Clean, r.Verdict));
    }

    [Theory]
    [InlineData(ScanFailPolicy.Defer, ScanAction.Defer, false)]
    [InlineData(ScanFailPolicy.Accept, ScanAction.Accept, true)]
    public async Task ScanAsync_ClamdPoolDown_AppliesFailPolicy(ScanFailPolicy policy, ScanAction action, bool unscanned)
    {
        var options = new ScanningOptions
        {
            Clamd = new() { Endpoints = [new() { Address = $"127.0.0.1:{FreePort.Next()}" }, new() { Address = $"127.0.0.1:{FreePort.Next()}" }] },
            FailPolicy = policy,
        };
        await using var sut = ScannerSetFactory.Create(options);

        var summary = await sut.ScanAsync(TestMessages.Request(TestMessages.Clean), CancellationToken.None);

        Assert.Equal(ScanVerdict.Unavailable, summary.Results.Single().Verdict);
        Assert.Equal((action, unscanned), (summary.Action, summary.Unscanned));
    }

    [Fact]
    public void Create_InvalidOptions_ThrowsListingKeys()
    {
        var options = new ScanningOptions
        {
            Clamd = new() { Endpoints = [new() { Address = "nope:port" }] },
            Spam = new() { TagScore = 10, RejectScore = 5 },
        };

        var error = Assert.Throws<InvalidOperationException>(() => ScannerSetFactory.Create(options));

        Assert.Contains("MtaKit:Scanning:Clamd:Endpoints:0:Address", error.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Scanning:Spam:RejectScore", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NothingConfigured_EmptySetAccepts()
    {
        await using var sut = ScannerSetFactory.Create(new ScanningOptions());

        var summary = await sut.ScanAsync(TestMessages.Request(TestMessages.Clean), CancellationToken.None);

        Assert.Empty(sut.Scanners);
        Assert.Equal(ScanAction.Accept, summary.Action);
    }
}
