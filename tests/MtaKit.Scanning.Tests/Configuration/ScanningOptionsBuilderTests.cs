namespace MtaKit.Scanning.Tests.Configuration;

public sealed class ScanningOptionsBuilderTests
{
    [Fact]
    public void Build_FromCode_SameShapeAsConfiguration()
    {
        var options = new ScanningOptionsBuilder()
            .AddClamd("10.0.0.5:3310", weight: 2)
            .AddClamd("10.0.0.6:3310")
            .AddSpamd("10.0.0.7:783", priority: 1)
            .AddRspamd("http://10.0.0.8:11333")
            .UseEmbedded(e => e with { BlockEncryptedArchives = false })
            .OnFailure(ScanFailPolicy.Accept)
            .WithTimeout(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(12))
            .WithSpamScores(6, 20)
            .Build();

        Assert.Equal([("10.0.0.5:3310", 2), ("10.0.0.6:3310", 1)], options.Clamd.Endpoints.Select(e => (e.Address, e.Weight)));
        Assert.Equal(1, options.Spamd.Endpoints.Single().Priority);
        Assert.Equal("http://10.0.0.8:11333", options.Rspamd.Endpoints.Single().Address);
        Assert.True(options.Embedded.Enabled);
        Assert.False(options.Embedded.BlockEncryptedArchives);
        Assert.Equal(ScanFailPolicy.Accept, options.FailPolicy);
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(12)), (options.Timeout, options.TotalTimeout));
        Assert.Equal((6.0, 20.0), (options.Spam.TagScore, options.Spam.RejectScore));
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Build_FromBoundOptions_AddsToTheirEndpoints()
    {
        var bound = new ScanningOptions { Clamd = new() { Endpoints = [new() { Address = "a:3310" }] } };

        var options = new ScanningOptionsBuilder(bound).AddClamd("b:3310").Build();

        Assert.Equal(["a:3310", "b:3310"], options.Clamd.Endpoints.Select(e => e.Address));
        Assert.Single(bound.Clamd.Endpoints);
    }
}
