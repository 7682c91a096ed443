using System.Net;
using MtaKit.Core.Tests.Dns;
using Microsoft.Extensions.Time.Testing;

namespace MtaKit.Core.Tests.Policy.Dnsbl;

public sealed class DnsblCheckerTests : IDisposable
{
    private const string Zone = """
        ; 192.0.2.10 is on both block lists, 192.0.2.20 only on the policy range, 192.0.2.30 is allow-listed too
        10.2.0.192.bl.test          A   127.0.0.2
        10.2.0.192.bl.test          TXT "listed: see https://bl.test/192.0.2.10"
        10.2.0.192.other.test       A   127.0.0.4
        20.2.0.192.bl.test          A   127.0.0.10
        30.2.0.192.bl.test          A   127.0.0.2
        30.2.0.192.allow.test       A   127.0.0.2
        ; refused / bad answers
        40.2.0.192.bl.test          A   127.255.255.254
        50.2.0.192.bl.test          A   192.0.2.1
        60.2.0.192.bl.test          TIMEOUT
        ; IPv6 2001:db8::1
        1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test A 127.0.0.2
        """;

    private readonly MetricRecorder _metrics = new();

    public void Dispose() => _metrics.Dispose();

    private DnsblChecker CreateSut(IDnsResolver? resolver = null, int threshold = 3, TimeProvider? time = null)
    {
        var options = new DnsblOptions { Threshold = threshold };
        options.Lists.Add(new DnsblListOptions { Zone = "bl.test", Weight = 2, Codes = { "127.0.0.2-127.0.0.3" } });
        options.Lists.Add(new DnsblListOptions { Zone = "bl.test.", Weight = 1, Codes = { "127.0.0.10" }, FetchReason = false });
        options.Lists.Add(new DnsblListOptions { Zone = "other.test", Weight = 1 });
        options.Lists.Add(new DnsblListOptions { Zone = "allow.test", Weight = -5 });
        return new DnsblChecker(resolver ?? new StaticZoneResolver(StaticZone.Parse(Zone)), options, time, null, _metrics);
    }

    [Fact]
    public async Task CheckAsync_ListedOnTwoLists_WeightsSummedWithReason()
    {
        using var sut = CreateSut();

        var result = await sut.CheckAsync(IPAddress.Parse("192.0.2.10"));

        Assert.Equal(3, result.Score);
        Assert.True(result.IsBlocked);
        Assert.Equal(["bl.test", "other.test"], result.Hits.Select(h => h.Zone));
        Assert.Equal("listed: see https://bl.test/192.0.2.10", result.Hits[0].Reason);
        Assert.Equal(IPAddress.Parse("127.0.0.2"), Assert.Single(result.Hits[0].Codes));
        Assert.Empty(result.Errors);
        Assert.Equal("554 5.7.1 Service unavailable; client [192.0.2.10] blocked using bl.test; listed: see https://bl.test/192.0.2.10", result.SuggestedReply!.ToString());
        Assert.Equal(2, _metrics.Get("mtakit.dnsbl.listed"));
        Assert.Equal(4, _metrics.Get("mtakit.dnsbl.lookups"));
    }

    [Fact]
    public async Task CheckAsync_CodeFilters_OnlyMatchingListCounts()
    {
        using var sut = CreateSut();

        var result = await sut.CheckAsync(IPAddress.Parse("192.0.2.20"));

        var hit = Assert.Single(result.Hits);
        Assert.Equal(1, hit.Weight);
        Assert.Null(hit.Reason);
        Assert.Equal(1, result.Score);
        Assert.False(result.IsBlocked);
        Assert.Null(result.SuggestedReply);
    }

    [Fact]
    public async Task CheckAsync_AllowListed_NegativeWeightOffsetsListing()
    {
        using var sut = CreateSut(threshold: 1);

        var result = await sut.CheckAsync(IPAddress.Parse("192.0.2.30"));

        Assert.Equal(-3, result.Score);
        Assert.False(result.IsBlocked);
    }

    [Fact]
    public async Task CheckAsync_NotListed_ScoreZero()
    {
        using var sut = CreateSut();

        var result = await sut.CheckAsync(IPAddress.Parse("198.51.100.1"));

        Assert.Equal(0, result.Score);
        Assert.Empty(result.Hits);
        Assert.Empty(result.Errors);
    }

    [Theory]
    [InlineData("192.0.2.40", "error code 127.255.255.254", "error-code")]
    [InlineData("192.0.2.50", "answer 192.0.2.1 outside 127.0.0.0/8", "bad-answer")]
    [InlineData("192.0.2.60", "Timeout", "dns")]
    public async Task CheckAsync_ListErrors_NeverListingsButCounted(string ip, string reason, string kind)
    {
        using var sut = CreateSut(threshold: 1);

        var result = await sut.CheckAsync(IPAddress.Parse(ip));

        Assert.Equal(0, result.Score);
        Assert.Empty(result.Hits);
        Assert.Contains(result.Errors, e => e.Zone == "bl.test" && e.Reason == reason);
        Assert.True(_metrics.Get($"mtakit.dnsbl.errors[kind={kind}]") >= 1);
    }

    [Fact]
    public async Task CheckAsync_Ipv6_QueriesReversedNibbles()
    {
        using var sut = CreateSut(threshold: 2);

        var result = await sut.CheckAsync(IPAddress.Parse("2001:db8::1"));

        Assert.True(result.IsBlocked);
        Assert.Equal("bl.test", Assert.Single(result.Hits).Zone);
    }

    [Fact]
    public async Task CheckAsync_ListTooSlow_TimeoutError()
    {
        var time = new FakeTimeProvider();
        var never = new NeverAnswers();
        using var sut = CreateSut(never, time: time);

        var check = sut.CheckAsync(IPAddress.Parse("192.0.2.10")).AsTask();
        await never.Asked.Task;
        time.Advance(TimeSpan.FromSeconds(5));
        var result = await check;

        Assert.Equal(4, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.Equal("Timeout", e.Reason));
        Assert.Equal(4, _metrics.Get("mtakit.dnsbl.errors[kind=timeout]"));
    }

    [Fact]
    public async Task CheckAsync_AfterAQuickCheck_TheReusedBudgetStillTimesOut()
    {
        var time = new FakeTimeProvider();
        var resolver = new HangingWhenTold(new StaticZoneResolver(StaticZone.Parse(Zone)));
        using var sut = CreateSut(resolver, time: time);
        Assert.Equal(3, (await sut.CheckAsync(IPAddress.Parse("192.0.2.10"))).Score);
        time.Advance(TimeSpan.FromSeconds(10)); // a returned budget must not fire later
        Assert.Empty((await sut.CheckAsync(IPAddress.Parse("192.0.2.10"))).Errors);

        resolver.Hang = true;
        var check = sut.CheckAsync(IPAddress.Parse("192.0.2.10")).AsTask();
        await resolver.Asked.Task;
        time.Advance(TimeSpan.FromSeconds(5));
        var result = await check;

        Assert.Equal(4, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.Equal("Timeout", e.Reason));
    }

    [Fact]
    public async Task CheckAsync_CallerCancels_ThrowsAndTheNextCheckIsNotCancelled()
    {
        var time = new FakeTimeProvider();
        var resolver = new HangingWhenTold(new StaticZoneResolver(StaticZone.Parse(Zone))) { Hang = true };
        using var sut = CreateSut(resolver, time: time);
        using var cancel = new CancellationTokenSource();

        var check = sut.CheckAsync(IPAddress.Parse("192.0.2.10"), cancel.Token).AsTask();
        await resolver.Asked.Task;
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => check);
        resolver.Hang = false;
        var next = await sut.CheckAsync(IPAddress.Parse("192.0.2.10"));

        Assert.Equal(3, next.Score);
        Assert.Empty(next.Errors);
    }

    [Fact]
    public async Task CheckAsync_MoreClientsThanTheQueryNameCache_EveryAnswerRight()
    {
        using var sut = CreateSut(threshold: 2);

        for (var i = 0; i < DnsblChecker.MaxCachedAddresses + 50; i++)
        {
            var client = new IPAddress([(byte)198, (byte)51, (byte)(i / 256), (byte)(i % 256)]);
            Assert.Equal(0, (await sut.CheckAsync(client)).Score);
        }

        var listed = await sut.CheckAsync(IPAddress.Parse("192.0.2.10"));
        var again = await sut.CheckAsync(IPAddress.Parse("192.0.2.10"));

        Assert.Equal(3, listed.Score);
        Assert.Equal(3, again.Score);
        Assert.Equal(IPAddress.Parse("192.0.2.10"), again.ClientAddress);
    }

    [Theory]
    [InlineData("192.0.2.1", "1.2.0.192.zen.example")]
    [InlineData("::ffff:192.0.2.1", "1.2.0.192.zen.example")]
    [InlineData("2001:db8:1:2::abcd", "d.c.b.a.0.0.0.0.0.0.0.0.0.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.zen.example")]
    public void QueryName_ReversedAddressThenZone(string ip, string expected)
        => Assert.Equal(expected, DnsblChecker.QueryName(IPAddress.Parse(ip), "Zen.Example."));

    [Fact]
    public void Validate_BadOptions_MessagesNameKeys()
    {
        var options = new DnsblOptions { Threshold = 0 };
        options.Lists.Add(new DnsblListOptions { Zone = "ok.test" });
        options.Lists.Add(new DnsblListOptions { Zone = "", Weight = 0, Codes = { "127.0.0.2", "127.0.0.9-127.0.0.3", "x" } });

        var errors = options.Validate();

        Assert.Equal(
            [
                "MtaKit:Dnsbl:Lists:1:Zone: '' is not a DNS zone name.",
                "MtaKit:Dnsbl:Lists:1:Weight: must not be 0 (negative for an allow-list).",
                "MtaKit:Dnsbl:Lists:1:Codes:1: '127.0.0.9-127.0.0.3' is not an IPv4 address or a range a.b.c.d-e.f.g.h.",
                "MtaKit:Dnsbl:Lists:1:Codes:2: 'x' is not an IPv4 address or a range a.b.c.d-e.f.g.h.",
                "MtaKit:Dnsbl:Threshold: must be at least 1.",
            ],
            errors);
        Assert.Throws<ArgumentException>(() => new DnsblChecker(new StaticZoneResolver(StaticZone.Parse("")), options));
    }

    private sealed class NeverAnswers : IDnsResolver
    {
        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken = default)
        {
            Asked.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    /// <summary>Answers from a zone, or never (until cancelled) while <see cref="Hang"/> is set.</summary>
    private sealed class HangingWhenTold(IDnsResolver inner) : IDnsResolver
    {
        public bool Hang { get; set; }

        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken = default)
        {
            if (!Hang)
            {
                return await inner.QueryAsync(name, type, cancellationToken);
            }

            Asked.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
