using Microsoft.Extensions.Time.Testing;

namespace MtaKit.Core.Tests.Mx;

public sealed class MtaStsResolverTests
{
    private const string Enforce = "version: STSv1\nmode: enforce\nmx: mx.sts.test\nmax_age: 3600\n";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero));
    private readonly TxtResolver _dns = new();
    private readonly FakeFetcher _fetcher = new();

    private MtaStsResolver CreateSut() => new(_dns, _fetcher, _time);

    [Fact]
    public async Task GetPolicyAsync_TxtAndPolicy_FetchedOnceThenCached()
    {
        _dns.Txt = DnsStatus.Success;
        _dns.Records = ["v=STSv1; id=one;"];
        _fetcher.Body = Enforce;
        var sut = CreateSut();

        var first = await sut.GetPolicyAsync("STS.test.");
        var second = await sut.GetPolicyAsync("sts.test");

        Assert.Equal(MtaStsMode.Enforce, first!.Mode);
        Assert.Equal("one", first.Id);
        Assert.Same(first, second);
        Assert.Equal(["sts.test"], _fetcher.Asked);
        Assert.Equal("_mta-sts.sts.test", _dns.LastName);
    }

    [Fact]
    public async Task GetPolicyAsync_IdChanged_Refetched()
    {
        _dns.Records = ["v=STSv1; id=one;"];
        _fetcher.Body = Enforce;
        var sut = CreateSut();
        await sut.GetPolicyAsync("sts.test");

        _dns.Records = ["v=STSv1; id=two;"];
        _fetcher.Body = Enforce.Replace("enforce", "testing", StringComparison.Ordinal);
        var policy = await sut.GetPolicyAsync("sts.test");

        Assert.Equal(MtaStsMode.Testing, policy!.Mode);
        Assert.Equal("two", policy.Id);
        Assert.Equal(2, _fetcher.Asked.Count);
    }

    [Fact]
    public async Task GetPolicyAsync_MaxAgePassed_Refetched()
    {
        _dns.Records = ["v=STSv1; id=one;"];
        _fetcher.Body = Enforce;
        var sut = CreateSut();
        await sut.GetPolicyAsync("sts.test");

        _time.Advance(TimeSpan.FromMinutes(59));
        await sut.GetPolicyAsync("sts.test");
        Assert.Single(_fetcher.Asked);

        _time.Advance(TimeSpan.FromMinutes(2));
        await sut.GetPolicyAsync("sts.test");
        Assert.Equal(2, _fetcher.Asked.Count);
    }

    [Theory]
    [InlineData(DnsStatus.NxDomain)]
    [InlineData(DnsStatus.ServFail)]
    public async Task GetPolicyAsync_TxtGoneOrFailing_CachedPolicyStillApplies(DnsStatus status)
    {
        _dns.Records = ["v=STSv1; id=one;"];
        _fetcher.Body = Enforce;
        var sut = CreateSut();
        var cached = await sut.GetPolicyAsync("sts.test");

        _dns.Txt = status;
        _dns.Records = [];

        Assert.Same(cached, await sut.GetPolicyAsync("sts.test"));
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Null(await sut.GetPolicyAsync("sts.test"));
    }

    [Fact]
    public async Task GetPolicyAsync_FetchFailsAfterIdChange_CachedPolicyStillApplies()
    {
        _dns.Records = ["v=STSv1; id=one;"];
        _fetcher.Body = Enforce;
        var sut = CreateSut();
        var cached = await sut.GetPolicyAsync("sts.test");

        _dns.Records = ["v=STSv1; id=two;"];
        _fetcher.Body = null;

        Assert.Same(cached, await sut.GetPolicyAsync("sts.test"));
    }

    [Theory]
    [InlineData("v=spf1 -all")]
    [InlineData("v=STSv1; id=one;|v=STSv1; id=two;")]
    public async Task GetPolicyAsync_NoSingleValidTxt_NoPolicyAndNoFetch(string records)
    {
        _dns.Records = records.Split('|');
        _fetcher.Body = Enforce;

        Assert.Null(await CreateSut().GetPolicyAsync("sts.test"));
        Assert.Empty(_fetcher.Asked);
    }

    [Fact]
    public async Task GetPolicyAsync_InvalidPolicyBody_NoPolicy()
    {
        _dns.Records = ["v=STSv1; id=one;"];
        _fetcher.Body = "<html>404</html>";

        Assert.Null(await CreateSut().GetPolicyAsync("sts.test"));
    }

    private sealed class TxtResolver : IDnsResolver
    {
        public DnsStatus Txt { get; set; } = DnsStatus.Success;

        public IReadOnlyList<string> Records { get; set; } = [];

        public string? LastName { get; private set; }

        public ValueTask<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken = default)
        {
            LastName = name;
            var status = Txt == DnsStatus.Success && Records.Count == 0 ? DnsStatus.NoData : Txt;
            return new(new DnsAnswer(name, type, status, status == DnsStatus.Success ? [.. Records.Select(r => DnsRecord.ForTxt(name, TimeSpan.Zero, r))] : [], TimeSpan.Zero));
        }
    }

    private sealed class FakeFetcher : IMtaStsPolicyFetcher
    {
        public string? Body { get; set; }

        public List<string> Asked { get; } = [];

        public ValueTask<string?> FetchAsync(string domain, CancellationToken cancellationToken = default)
        {
            Asked.Add(domain);
            return new(Body);
        }
    }
}
