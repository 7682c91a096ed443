using Microsoft.Extensions.Configuration;

namespace MtaKit.Queueing.Tests.Configuration;

public sealed class QueueOptionsTests
{
    [Fact]
    public void Bind_DocumentedKeys_SetEveryOption()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MtaKit:Queue:SpoolPath"] = "/var/spool/mtakit",
            ["MtaKit:Queue:Tier:Name"] = "tier2",
            ["MtaKit:Queue:Tier:Window"] = "22:00:00",
            ["MtaKit:Queue:Tier:Retry"] = "F,2h,15m; G,16h,1h,1.5; F,4d,6h",
            ["MtaKit:Queue:Tier:NextTier:0"] = "tier3-a.example:2525",
            ["MtaKit:Queue:Tier:NextTier:1"] = "tier3-b.example",
            ["MtaKit:Queue:DelayWarning"] = "04:00:00",
            ["MtaKit:Queue:TrustedTierNetworks:0"] = "10.0.0.0/8",
            ["MtaKit:Queue:TrustedTierNetworks:1"] = "192.0.2.7",
            ["MtaKit:Queue:Dsn:SuppressForUnvalidatedSenders"] = "true",
        }).Build();

        var options = configuration.GetSection(QueueOptions.SectionName).Get<QueueOptions>()!;

        Assert.Empty(options.Validate());
        Assert.Equal("/var/spool/mtakit", options.SpoolPath);
        var tier = QueueTier.Create(options.Tier);
        Assert.Equal("tier2", tier.Name);
        Assert.Equal(TimeSpan.FromHours(22), tier.Window);
        Assert.Equal("F,2h,15m; G,16h,1h,1.5; F,4d,6h", tier.RetryRules.Find("any.example", RetryErrorKind.Dns)!.Schedule.ToString());
        Assert.Equal(["tier3-a.example:2525", "tier3-b.example"], tier.NextTier);
        Assert.False(tier.IsLastTier);
        Assert.Equal(TimeSpan.FromHours(4), tier.DelayWarning);
        Assert.Equal(["10.0.0.0/8", "192.0.2.7"], options.TrustedTierNetworks);
        Assert.True(options.Dsn.SuppressForUnvalidatedSenders);
    }

    [Fact]
    public void Dsn_Default_DoesNotSuppress()
    {
        Assert.False(new QueueOptions().Dsn.SuppressForUnvalidatedSenders);
    }

    [Fact]
    public void Validate_Defaults_OnlySpoolPathMissing()
    {
        Assert.Equal(["MtaKit:Queue:SpoolPath must name the spool directory."], new QueueOptions().Validate());
    }

    [Fact]
    public void Validate_EveryProblem_NamesItsKey()
    {
        var options = new QueueOptions
        {
            SpoolPath = "/spool",
            Tier = new TierOptions { Name = " ", Window = TimeSpan.Zero, Retry = "F,2h,15" },
            DelayWarning = TimeSpan.FromHours(-1),
        };
        options.Tier.NextTier.Add("ok.example:25");
        options.Tier.NextTier.Add("bad.example:99999");
        options.TrustedTierNetworks.Add("10.0.0.0/33");

        var errors = options.Validate();

        Assert.Equal(
            [
                "MtaKit:Queue:Tier:Name must not be empty.",
                "MtaKit:Queue:Tier:Window must be a positive time span (like 06:00:00), not 00:00:00.",
                "MtaKit:Queue:Tier:Retry is invalid: Retry rule error at column 8: expected a time unit (w, d, h, m or s) after '15' in the interval, found the end (in 'F,2h,15'). Write one schedule of ';'-separated steps, each F,<cutoff>,<interval> (fixed) or G,<cutoff>,<interval>,<factor> (growing), with times in w, d, h, m or s, like 'F,2h,15m; G,16h,1h,1.5; F,4d,6h'; or rule lines '<domain pattern> <error kind> <schedule>' (docs/queueing.md, Retry rules).",
                "MtaKit:Queue:Tier:NextTier:1 must be 'host' or 'host:port' (port 1-65535), not 'bad.example:99999'.",
                "MtaKit:Queue:DelayWarning must be a positive time span, not -01:00:00.",
                "MtaKit:Queue:TrustedTierNetworks:0 must be a network like 10.0.0.0/8 or an address, not '10.0.0.0/33'.",
            ],
            errors);
    }

    [Fact]
    public void Create_InvalidTier_ThrowsListingTheKeys()
    {
        var ex = Assert.Throws<ArgumentException>(() => QueueTier.Create(new TierOptions { Retry = "* sometimes F,1h,5m" }));
        Assert.Contains("MtaKit:Queue:Tier:Retry is invalid: Retry rule error at line 1, column 3", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mx.example", true)]
    [InlineData("mx.example:25", true)]
    [InlineData("[2001:db8::1]:25", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("mx.example:0", false)]
    [InlineData("mx.example:", false)]
    [InlineData(":25", false)]
    [InlineData("mx example", false)]
    public void IsValidEndpoint_HostOrHostPort(string endpoint, bool valid) => Assert.Equal(valid, QueueTier.IsValidEndpoint(endpoint));
}
