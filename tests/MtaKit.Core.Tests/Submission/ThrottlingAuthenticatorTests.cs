using System.Text;
using Microsoft.Extensions.Time.Testing;
using MtaKit.Core.Tests.Server;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Submission;

public sealed class ThrottlingAuthenticatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private ThrottlingAuthenticator CreateSut(AuthThrottleOptions? options = null)
        => new(new TestAuthenticator(), new InMemoryHintsStore(timeProvider: _time), options ?? new AuthThrottleOptions { MaxFailuresPerIp = 10, MaxFailuresPerUser = 3, Window = TimeSpan.FromMinutes(10) });

    private static async Task<bool> AttemptAsync(ThrottlingAuthenticator sut, string user, string password, string ip = "192.0.2.10")
    {
        var session = UsersFileTests.Session(ip);
        return await sut.CheckAttemptAsync(session, user, CancellationToken.None) is null
            && await sut.AuthenticateAsync(session, user, password, CancellationToken.None);
    }

    [Fact]
    public async Task CheckAttemptAsync_UserLimitReached_454UntilWindowPasses()
    {
        var sut = CreateSut();
        for (var i = 0; i < 3; i++)
        {
            Assert.False(await AttemptAsync(sut, "alice", "wrong", "192.0.2." + (i + 1)));
        }

        var reply = await sut.CheckAttemptAsync(UsersFileTests.Session("198.51.100.7"), "ALICE", CancellationToken.None);
        Assert.Equal("454 4.7.0 Too many failed authentication attempts, try again later", reply?.ToString());
        Assert.False(await AttemptAsync(sut, "alice", "secret"), "the right password is not even checked while throttled");
        Assert.True(await AttemptAsync(sut, "bob", "wrong") is false && await sut.CheckAttemptAsync(UsersFileTests.Session(), "bob", CancellationToken.None) is null);

        _time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.True(await AttemptAsync(sut, "alice", "secret"));
    }

    [Fact]
    public async Task CheckAttemptAsync_IpLimitReachedAcrossUsers_454ForEveryUserFromThatIp()
    {
        var sut = CreateSut(new AuthThrottleOptions { MaxFailuresPerIp = 4, MaxFailuresPerUser = 0, Window = TimeSpan.FromMinutes(5) });
        for (var i = 0; i < 4; i++)
        {
            Assert.False(await AttemptAsync(sut, "user" + i, "wrong"));
        }

        Assert.NotNull(await sut.CheckAttemptAsync(UsersFileTests.Session(), "alice", CancellationToken.None));
        Assert.Null(await sut.CheckAttemptAsync(UsersFileTests.Session("192.0.2.11"), "alice", CancellationToken.None));
        Assert.True(await AttemptAsync(sut, "alice", "secret", "192.0.2.11"));
    }

    [Fact]
    public async Task CheckAttemptAsync_FailuresSpreadBeyondWindow_NotThrottled()
    {
        var sut = CreateSut();
        for (var i = 0; i < 6; i++)
        {
            Assert.False(await AttemptAsync(sut, "alice", "wrong"));
            _time.Advance(TimeSpan.FromMinutes(11));
        }

        Assert.Null(await sut.CheckAttemptAsync(UsersFileTests.Session(), "alice", CancellationToken.None));
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => CreateSut(new AuthThrottleOptions { Window = TimeSpan.Zero, MaxFailuresPerIp = -1 }));
        Assert.Contains("MtaKit:Auth:Throttle:Window", e.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Auth:Throttle:MaxFailuresPerIp", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth_OnTheWire_535ThenThrottled454()
    {
        var sut = CreateSut(new AuthThrottleOptions { MaxFailuresPerIp = 2, MaxFailuresPerUser = 5 });
        await using var server = await TestServer.StartAsync(l => l with { RequireTlsForAuth = false }, authenticator: sut);
        await using var c = await Session.OpenAsync(server);

        Assert.Equal("535 5.7.8 Authentication credentials invalid", await c.CommandAsync("AUTH PLAIN " + Plain("alice", "wrong")));
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await c.CommandAsync("AUTH PLAIN " + Plain("alice", "wrong")));
        Assert.Equal("454 4.7.0 Too many failed authentication attempts, try again later", await c.CommandAsync("AUTH PLAIN " + Plain("alice", "secret")));
    }

    private static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + user + "\0" + password));
}

public sealed class SubmissionMetricsTests
{
    [Fact]
    public async Task ThrottlingAuthenticator_Outcomes_CountedOnItsOwnMeter()
    {
        using var factory = new TestMeterFactory();
        var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (factory.Meters.Contains(instrument.Meter) && instrument.Name == "mtakit.policy.verdicts")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(k => k.Key, k => k.Value);
            counts.AddOrUpdate($"{t["stage"]}/{t["outcome"]}", value, (_, v) => v + value);
        });
        listener.Start();
        var time = new FakeTimeProvider();
        var sut = new ThrottlingAuthenticator(new TestAuthenticator(), new InMemoryHintsStore(timeProvider: time), new AuthThrottleOptions { MaxFailuresPerUser = 1 }, meterFactory: factory);
        var session = UsersFileTests.Session();

        Assert.True(await sut.AuthenticateAsync(session, "alice", "secret", CancellationToken.None));
        Assert.False(await sut.AuthenticateAsync(session, "alice", "wrong", CancellationToken.None));
        Assert.NotNull(await sut.CheckAttemptAsync(session, "alice", CancellationToken.None));

        Assert.Equal(1, counts.GetValueOrDefault("auth/pass"));
        Assert.Equal(1, counts.GetValueOrDefault("auth/reject"));
        Assert.Equal(1, counts.GetValueOrDefault("auth/throttled"));
    }

    private sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public List<System.Diagnostics.Metrics.Meter> Meters { get; } = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options.Name, options.Version, options.Tags, this);
            Meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in Meters)
            {
                meter.Dispose();
            }
        }
    }
}
