using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace MtaKit.Core.Tests.Dns;

public sealed class DnsResolverTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero));
    private readonly MetricRecorder _metrics = new();
    private readonly List<(string Name, DnsRecordType Type)> _sent = [];
    private Func<string, DnsRecordType, Task<DnsAnswer>> _server;

    public DnsResolverTests()
    {
        _server = (name, type) => Task.FromResult(new DnsAnswer(name, type, DnsStatus.Success, [DnsRecord.ForAddress(name, IPAddress.Parse("192.0.2.1"), TimeSpan.FromSeconds(300))], TimeSpan.FromSeconds(300)));
    }

    public void Dispose() => _metrics.Dispose();

    private DnsResolver CreateSut(DnsOptions? options = null) => new(
        options ?? new DnsOptions(),
        async (name, type, _) =>
        {
            lock (_sent)
            {
                _sent.Add((name, type));
            }

            return (await _server(name, type), null);
        },
        _time,
        null,
        _metrics);

    [Fact]
    public async Task QueryAsync_SecondLookup_ServedFromCache()
    {
        using var sut = CreateSut();

        var first = await sut.QueryAsync("Mx1.Example.Test.", DnsRecordType.A);
        var second = await sut.LookupAAsync("mx1.example.test");

        Assert.Equal(DnsStatus.Success, first.Status);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), Assert.Single(second.Records));
        Assert.Single(_sent);
        Assert.Equal(1, _metrics.Get("mtakit.dns.cache.hits"));
        Assert.Equal(1, _metrics.Get("mtakit.dns.queries"));
        Assert.Equal(1, _metrics.Get("mtakit.dns.query.duration"));
    }

    [Fact]
    public async Task QueryAsync_TtlExpired_QueriesAgain()
    {
        using var sut = CreateSut();
        await sut.QueryAsync("a.test", DnsRecordType.A);

        _time.Advance(TimeSpan.FromSeconds(299));
        await sut.QueryAsync("a.test", DnsRecordType.A);
        Assert.Single(_sent);

        _time.Advance(TimeSpan.FromSeconds(1));
        await sut.QueryAsync("a.test", DnsRecordType.A);
        Assert.Equal(2, _sent.Count);
    }

    [Fact]
    public async Task QueryAsync_PositiveTtlAboveMax_CappedByMaxTtl()
    {
        _server = (name, type) => Task.FromResult(new DnsAnswer(name, type, DnsStatus.Success, [DnsRecord.ForTxt(name, TimeSpan.FromDays(7), "x")], TimeSpan.FromDays(7)));
        using var sut = CreateSut(new DnsOptions { MaxTtl = TimeSpan.FromMinutes(10) });
        await sut.QueryAsync("a.test", DnsRecordType.Txt);

        _time.Advance(TimeSpan.FromMinutes(10));
        await sut.QueryAsync("a.test", DnsRecordType.Txt);

        Assert.Equal(2, _sent.Count);
    }

    [Theory]
    [InlineData(DnsStatus.NxDomain)]
    [InlineData(DnsStatus.NoData)]
    public async Task QueryAsync_Negative_CachedForSoaMinimumCappedByMaxNegativeTtl(DnsStatus status)
    {
        _server = (name, type) => Task.FromResult(DnsAnswer.Empty(name, type, status, TimeSpan.FromHours(3)));
        using var sut = CreateSut(new DnsOptions { MaxNegativeTtl = TimeSpan.FromMinutes(5) });

        var first = await sut.QueryAsync("gone.test", DnsRecordType.Mx);
        _time.Advance(TimeSpan.FromMinutes(4));
        await sut.QueryAsync("gone.test", DnsRecordType.Mx);
        Assert.Single(_sent);
        _time.Advance(TimeSpan.FromMinutes(1));
        await sut.QueryAsync("gone.test", DnsRecordType.Mx);

        Assert.Equal(status, first.Status);
        Assert.True(first.IsNegative);
        Assert.Equal(2, _sent.Count);
        Assert.Equal(0, _metrics.Get("mtakit.dns.failures"));
    }

    [Theory]
    [InlineData(DnsStatus.ServFail)]
    [InlineData(DnsStatus.Timeout)]
    [InlineData(DnsStatus.Refused)]
    public async Task QueryAsync_Failure_CachedOnlyForFailureTtlAndCounted(DnsStatus status)
    {
        _server = (name, type) => Task.FromResult(DnsAnswer.Empty(name, type, status, TimeSpan.Zero));
        using var sut = CreateSut(new DnsOptions { FailureTtl = TimeSpan.FromSeconds(2) });

        var answer = await sut.QueryAsync("broken.test", DnsRecordType.A);
        await sut.QueryAsync("broken.test", DnsRecordType.A);
        _time.Advance(TimeSpan.FromSeconds(2));
        await sut.QueryAsync("broken.test", DnsRecordType.A);

        Assert.True(answer.IsFailure);
        Assert.Equal(2, _sent.Count);
        Assert.Equal(2, _metrics.Get($"mtakit.dns.failures[status={status}]"));
    }

    [Fact]
    public async Task QueryAsync_FailureTtlZero_FailureNotCached()
    {
        _server = (name, type) => Task.FromResult(DnsAnswer.Empty(name, type, DnsStatus.Timeout, TimeSpan.Zero));
        using var sut = CreateSut(new DnsOptions { FailureTtl = TimeSpan.Zero });

        await sut.QueryAsync("broken.test", DnsRecordType.A);
        await sut.QueryAsync("broken.test", DnsRecordType.A);

        Assert.Equal(2, _sent.Count);
    }

    [Fact]
    public async Task QueryAsync_UseCacheFalse_AlwaysAsksServer()
    {
        using var sut = CreateSut(new DnsOptions { UseCache = false });

        await sut.QueryAsync("a.test", DnsRecordType.A);
        await sut.QueryAsync("a.test", DnsRecordType.A);

        Assert.Equal(2, _sent.Count);
        Assert.Equal(0, sut.CachedCount);
    }

    // The server answers only once the returned gate is opened.
    private TaskCompletionSource HoldAnswers()
    {
        var gate = new TaskCompletionSource();
        var inner = _server;
        _server = async (name, type) =>
        {
            await gate.Task;
            return await inner(name, type);
        };
        return gate;
    }

    [Fact]
    public async Task QueryAsync_ConcurrentIdenticalQueries_OneQuerySent()
    {
        var gate = HoldAnswers();
        using var sut = CreateSut();

        var lookups = Enumerable.Range(0, 20).Select(_ => sut.QueryAsync("busy.test", DnsRecordType.A).AsTask()).ToList();
        var other = sut.QueryAsync("busy.test", DnsRecordType.Mx).AsTask();
        gate.SetResult();
        var answers = await Task.WhenAll(lookups);
        await other;

        Assert.All(answers, a => Assert.Equal(DnsStatus.Success, a.Status));
        Assert.Equal(2, _sent.Count);
        Assert.Equal(19, _metrics.Get("mtakit.dns.coalesced"));
    }

    [Fact]
    public async Task QueryAsync_OneCallerCancels_OtherCallersStillGetTheAnswer()
    {
        var gate = HoldAnswers();
        using var sut = CreateSut();
        using var cts = new CancellationTokenSource();

        var cancelled = sut.QueryAsync("slow.test", DnsRecordType.A, cts.Token).AsTask();
        var patient = sut.QueryAsync("slow.test", DnsRecordType.A).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.SetResult();

        Assert.Equal(DnsStatus.Success, (await patient).Status);
        Assert.Single(_sent);
    }

    [Fact]
    public async Task QueryAsync_CacheFull_EvictsLeastRecentlyUsed()
    {
        using var sut = CreateSut(new DnsOptions { CacheMaxEntries = 10 });
        for (var i = 0; i < 10; i++)
        {
            await sut.QueryAsync($"n{i}.test", DnsRecordType.A);
        }

        await sut.QueryAsync("n0.test", DnsRecordType.A); // n0 becomes the most recently used
        await sut.QueryAsync("n10.test", DnsRecordType.A); // over the bound: the oldest go
        _sent.Clear();
        await sut.QueryAsync("n0.test", DnsRecordType.A);
        await sut.QueryAsync("n1.test", DnsRecordType.A);

        Assert.True(sut.CachedCount <= 10);
        Assert.Equal([("n1.test", DnsRecordType.A)], _sent);
    }

    [Fact]
    public void Ctor_InvalidOptions_MessageNamesTheKeys()
    {
        var options = new DnsOptions { Timeout = TimeSpan.Zero, CacheMaxEntries = 0 };
        options.Servers.Add("127.0.0.1:53");
        options.Servers.Add("dns.example:53");
        options.StaticZoneFiles.Add("/nonexistent/zone");

        var ex = Assert.Throws<ArgumentException>(() => new DnsResolver(options));

        Assert.Contains("MtaKit:Dns:Servers:1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Dns:StaticZoneFiles:0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Dns:Timeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Dns:CacheMaxEntries", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Servers:0", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:5353", "127.0.0.1:5353")]
    [InlineData("127.0.0.1", "127.0.0.1:53")]
    [InlineData("[::1]:5353", "[::1]:5353")]
    [InlineData("::1", "[::1]:53")]
    public void TryParseServer_ValidForms_Parsed(string text, string expected)
    {
        Assert.True(DnsOptions.TryParseServer(text, out var endPoint));
        Assert.Equal(expected, endPoint.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("dns.example")]
    [InlineData("127.0.0.1:99999")]
    public void TryParseServer_Invalid_False(string text) => Assert.False(DnsOptions.TryParseServer(text, out _));

    [Fact]
    public async Task LookupPtrAsync_Ipv6_AsksNibbleName()
    {
        using var sut = CreateSut();

        await sut.LookupPtrAsync(IPAddress.Parse("2001:db8::1"));

        Assert.Equal("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", _sent.Single().Name);
    }

    [Fact]
    public async Task LookupMxAsync_SortsByPreference()
    {
        _server = (name, type) => Task.FromResult(new DnsAnswer(name, type, DnsStatus.Success,
            [DnsRecord.ForMx(name, 20, "mx2.test.", TimeSpan.FromMinutes(1)), DnsRecord.ForMx(name, 10, "MX1.test", TimeSpan.FromMinutes(1))], TimeSpan.FromMinutes(1)));
        using var sut = CreateSut();

        var mx = await sut.LookupMxAsync("test");

        Assert.Equal([new MailExchanger(10, "mx1.test"), new MailExchanger(20, "mx2.test")], mx.Records);
    }
}
