using System.Net;
using MtaKit.Testing;

namespace MtaKit.Queueing.Tests.Delivery;

/// <summary>Queue delivery to <c>mx</c> next hops: real MtaKit servers as MX hosts on loopback addresses.</summary>
public sealed class MxDeliveryTests
{
    private const string Zone = """
        up.test              MX   10 mx.up.test
        mx.up.test           A    127.0.0.1
        fallover.test        MX   10 mx1.fallover.test
        fallover.test        MX   20 mx2.fallover.test
        mx1.fallover.test    A    127.0.0.2
        mx2.fallover.test    A    127.0.0.1
        twoaddr.test         MX   10 mx.twoaddr.test
        mx.twoaddr.test      A    127.0.0.2
        mx.twoaddr.test      AAAA ::1
        v6.test              MX   10 mx.v6.test
        mx.v6.test           AAAA ::1
        implicit.test        A    127.0.0.1
        down.test            MX   10 mx.down.test
        mx.down.test         A    127.0.0.2
        nullmx.test          MX   0 .
        servfail.test        SERVFAIL
        loop.test            MX   10 out.test
        loop.test            MX   20 mx.up.test
        out.test             A    127.0.0.1
        backup.test          MX   10 mx.up.test
        backup.test          MX   20 out.test
        port25.test          MX   10 mx.port25.test
        mx.port25.test       A    127.0.0.25
        """;

    private static readonly IPAddress Loopback2 = IPAddress.Parse("127.0.0.2");

    [Theory]
    [InlineData("127.0.0.1", "user@up.test")]
    [InlineData("::1", "user@v6.test")]
    [InlineData("127.0.0.1", "user@implicit.test")]
    public async Task ProcessAsync_MxOrImplicitMx_DeliveredToTheHost(string listen, string recipient)
    {
        await using var net = MxNetwork.Create(Zone);
        await net.StartMxAsync(IPAddress.Parse(listen));

        await net.SubmitAsync("sender@out.test", recipient);

        var file = Assert.Single(net.Delivered(recipient));
        Assert.Contains("hello by MX", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        Assert.Equal(0, net.Runner.Count);
    }

    [Fact]
    public async Task ProcessAsync_FirstMxDown_SecondMxGetsItAndFirstIsInBackoff()
    {
        await using var net = MxNetwork.Create(Zone);
        await net.StartMxAsync(IPAddress.Loopback);

        await net.SubmitAsync("sender@out.test", "user@fallover.test");

        Assert.Single(net.Delivered("user@fallover.test"));
        var hint = await net.Hints.GetAsync("mx1.fallover.test");
        Assert.NotNull(hint);
        Assert.False(hint.AllowsAttemptAt(net.Time.GetUtcNow()));
        Assert.Null(await net.Hints.GetAsync("mx2.fallover.test"));
    }

    [Fact]
    public async Task ProcessAsync_HostsFirstAddressDown_ItsIPv6AddressUsed()
    {
        await using var net = MxNetwork.Create(Zone);
        await net.StartMxAsync(IPAddress.IPv6Loopback);

        await net.SubmitAsync("sender@out.test", "user@twoaddr.test");

        Assert.Single(net.Delivered("user@twoaddr.test"));
        Assert.Equal(IPAddress.IPv6Loopback, Assert.Single(net.Sessions).Local);
        Assert.Null(await net.Hints.GetAsync("mx.twoaddr.test"));
    }

    [Theory]
    [InlineData("user@nullmx.test", "556 5.1.10")]
    [InlineData("user@nxdomain.test", "550 5.1.2")]
    public async Task ProcessAsync_NullMxOrNxDomain_FailsAtOnceWithDsnToSender(string recipient, string reply)
    {
        await using var net = MxNetwork.Create(Zone);
        await net.StartMxAsync(IPAddress.Loopback);

        var id = await net.SubmitAsync("sender@out.test", recipient);

        Assert.Empty(net.Sessions);
        var dsn = Assert.Single(net.Runner.List());
        Assert.NotEqual(id, dsn.Id);
        Assert.Equal(string.Empty, dsn.Envelope.ReversePath);
        Assert.Equal("sender@out.test", Assert.Single(dsn.Envelope.Recipients).Address);
        var content = await net.Spool.OpenContentAsync(dsn.Id);
        var text = await ReadAsync(content!);
        Assert.Contains(reply, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcessAsync_NullMx_CountedByOutcome()
    {
        var counted = 0L;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "MtaKit" && instrument.Name == "mtakit.mx.lookups")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "outcome", Value: "nullmx" })
                {
                    Interlocked.Add(ref counted, value);
                }
            }
        });
        listener.Start();
        await using var net = MxNetwork.Create(Zone);

        await net.SubmitAsync("sender@out.test", "user@nullmx.test");

        Assert.Equal(1, Interlocked.Read(ref counted));
    }

    [Fact]
    public async Task ProcessAsync_DnsServFail_DeferredWithTransientReply()
    {
        await using var net = MxNetwork.Create(Zone);

        var id = await net.SubmitAsync("sender@out.test", "user@servfail.test");

        var held = Assert.Single(net.Runner.List());
        Assert.Equal(id, held.Id);
        var recipient = Assert.Single(held.Envelope.Recipients);
        Assert.Equal(RecipientState.Pending, recipient.State);
        Assert.Equal("4.4.3", recipient.LastReply!.EnhancedCode.ToString());
        Assert.True(held.NextAttempt > net.Time.GetUtcNow());
    }

    [Fact]
    public async Task ProcessAsync_ThreeDomains_DeliveredDeferredAndBounced()
    {
        await using var net = MxNetwork.Create(Zone);
        await net.StartMxAsync(IPAddress.Loopback);

        var id = await net.SubmitAsync("sender@out.test", "a@up.test", "b@down.test", "c@nullmx.test");

        Assert.Single(net.Delivered("a@up.test"));
        var held = net.Runner.List();
        Assert.Equal(2, held.Count);
        var original = Assert.Single(held, e => e.Id == id);
        Assert.Equal([RecipientState.Delivered, RecipientState.Pending, RecipientState.Failed], original.Envelope.Recipients.Select(r => r.State));
        Assert.Equal("556", original.Envelope.Recipients[2].LastReply!.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var dsn = Assert.Single(held, e => e.Id != id);
        Assert.Equal("sender@out.test", Assert.Single(dsn.Envelope.Recipients).Address);
    }

    [Fact]
    public async Task ProcessAsync_NoMxResolverConfigured_DeferredNotThrown()
    {
        await using var net = MxNetwork.Create((IDnsResolver?)null);

        await net.SubmitAsync("sender@out.test", "user@up.test");

        var recipient = Assert.Single(Assert.Single(net.Runner.List()).Envelope.Recipients);
        Assert.Equal(RecipientState.Pending, recipient.State);
        Assert.Equal("4.3.5", recipient.LastReply!.EnhancedCode.ToString());
    }

    [Fact]
    public async Task ProcessAsync_ThisHostIsBestMx_LoopFailsPermanently()
    {
        await using var net = MxNetwork.Create(Zone);
        await net.StartMxAsync(IPAddress.Loopback);

        var id = await net.SubmitAsync("sender@out.test", "user@loop.test");

        Assert.Empty(net.Sessions);
        var dsn = Assert.Single(net.Runner.List());
        Assert.NotEqual(id, dsn.Id);
        Assert.Contains("550 5.4.6", await ReadAsync((await net.Spool.OpenContentAsync(dsn.Id))!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcessAsync_ThisHostIsBackupMx_OnlyMorePreferredHostTried()
    {
        await using var net = MxNetwork.Create(Zone);

        await net.SubmitAsync("sender@out.test", "user@backup.test");

        var held = Assert.Single(net.Runner.List());
        Assert.NotNull(await net.Hints.GetAsync("mx.up.test"));
        Assert.Null(await net.Hints.GetAsync("out.test"));
        Assert.Equal(RecipientState.Pending, Assert.Single(held.Envelope.Recipients).State);
    }

    [Fact]
    public async Task ProcessAsync_TwoRecipientsSameDomain_OneTransaction()
    {
        await using var net = MxNetwork.Create(Zone);
        await net.StartMxAsync(IPAddress.Loopback);

        await net.SubmitAsync("sender@out.test", "a@up.test", "b@up.test");

        Assert.Single(net.Sessions);
        Assert.Single(net.Delivered("a@up.test"));
        Assert.Single(net.Delivered("b@up.test"));
    }

    [Fact]
    public async Task ProcessAsync_TwoMessagesToOneMx_ConnectionReused()
    {
        await using var net = MxNetwork.Create(Zone);
        await net.StartMxAsync(IPAddress.Loopback);

        await net.SubmitAsync("sender@out.test", "a@up.test");
        await net.SubmitAsync("sender@out.test", "b@up.test");

        var sessions = net.Sessions.ToArray();
        Assert.Equal(2, sessions.Length);
        Assert.Equal(sessions[0].RemotePort, sessions[1].RemotePort);
    }

    [Fact]
    public async Task ProcessAsync_TlsMx_OpportunisticStartTlsWithMxNameAsServerName()
    {
        using var certDir = new TempDirectory();
        var (cert, key) = TestCertificates.WritePem(certDir.Path, "some-other-name.test");
        await using var net = MxNetwork.Create(Zone);
        await net.StartMxAsync(IPAddress.Loopback, new Server.SmtpTlsOptions { Certificates = [new Server.TlsCertificateSource { CertificatePath = cert, KeyPath = key }] });

        await net.SubmitAsync("sender@out.test", "user@up.test");

        Assert.Single(net.Delivered("user@up.test"));
        var session = Assert.Single(net.Sessions);
        Assert.True(session.Secure);
        Assert.Equal("mx.up.test", session.ServerName);
    }

    [SkippableFact]
    public async Task ProcessAsync_RealDns_FirstMxDownNullMxAndNxDomain_DeliveredAndBounced()
    {
        var server = ServiceEnvironment.Require("DNS");
        var options = new DnsOptions { Timeout = TimeSpan.FromSeconds(2), Retries = 1 };
        options.Servers.Add(server.ToString());
        using var dns = new DnsResolver(options);
        await using var net = MxNetwork.Create(dns);
        await net.StartMxAsync(IPAddress.Loopback);

        var id = await net.SubmitAsync("sender@out.test", "user@fallover.test", "x@nullmx.test", "y@no-such-domain.test");

        Assert.Single(net.Delivered("user@fallover.test"));
        Assert.NotNull(await net.Hints.GetAsync("mx.down.test"));
        var dsn = Assert.Single(net.Runner.List());
        Assert.NotEqual(id, dsn.Id);
        var text = await ReadAsync((await net.Spool.OpenContentAsync(dsn.Id))!);
        Assert.Contains("556 5.1.10", text, StringComparison.Ordinal);
        Assert.Contains("550 5.1.2", text, StringComparison.Ordinal);
    }

    /// <summary>The real port 25, on 127.0.0.25 so that a Mailstore another test runs on 127.0.0.1:25 is not disturbed.</summary>
    [SkippableFact]
    public async Task ProcessAsync_DefaultPort25_Delivered()
    {
        await using var net = MxNetwork.Create(Zone, new QueueRunnerOptions { HostName = "out.test" }, port: 25);
        try
        {
            await net.StartMxAsync(IPAddress.Parse("127.0.0.25"));
        }
        catch (System.Net.Sockets.SocketException e)
        {
            Skip.If(true, "127.0.0.25:25 is not available here: " + e.SocketErrorCode);
        }

        await net.SubmitAsync("sender@out.test", "user@port25.test");

        Assert.Single(net.Delivered("user@port25.test"));
    }

    [Fact]
    public void QueueRunnerOptions_MxPort_DefaultIs25()
    {
        Assert.Equal(25, new QueueRunnerOptions { HostName = "out.test" }.MxPort);
    }

    [Fact]
    public void Constructor_MxPortOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MxNetwork.Create(Zone, port: 0));
    }

    private static async Task<string> ReadAsync(IMessageContent content)
    {
        await using var stream = content.OpenRead();
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
