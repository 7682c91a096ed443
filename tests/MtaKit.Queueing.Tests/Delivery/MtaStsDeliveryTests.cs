using System.Net;
using System.Security.Cryptography.X509Certificates;
using MtaKit.Server;
using MtaKit.Testing;

namespace MtaKit.Queueing.Tests.Delivery;

/// <summary>MTA-STS on <c>mx</c> deliveries: a fake policy fetcher and real TLS MtaKit servers as MX hosts.</summary>
public sealed class MtaStsDeliveryTests : IDisposable
{
    private const string Zone = """
        sts.test             MX   10 mx.sts.test
        mx.sts.test          A    127.0.0.1
        _mta-sts.sts.test    TXT  "v=STSv1; id=20261129;"
        """;

    private readonly TempDirectory _certs = new();

    public void Dispose() => _certs.Dispose();

    [Fact]
    public async Task Enforce_MatchingMxWithValidCertificate_DeliveredOverTls()
    {
        await using var net = await StartAsync("enforce", "mx.sts.test", certificateName: "mx.sts.test");

        await net.SubmitAsync("sender@out.test", "user@sts.test");

        Assert.Single(net.Delivered("user@sts.test"));
        var session = Assert.Single(net.Sessions);
        Assert.True(session.Secure);
        Assert.Equal("mx.sts.test", session.ServerName);
    }

    [Fact]
    public async Task Enforce_CertificateForAnotherName_DeferredWithTlsFailure()
    {
        await using var net = await StartAsync("enforce", "mx.sts.test", certificateName: "other.test");

        await net.SubmitAsync("sender@out.test", "user@sts.test");

        Assert.Empty(net.Delivered("user@sts.test"));
        Assert.Empty(net.Sessions);
        var recipient = Assert.Single(Assert.Single(net.Runner.List()).Envelope.Recipients);
        Assert.Equal(RecipientState.Pending, recipient.State);
        Assert.Equal("4.7.5", recipient.LastReply!.EnhancedCode.ToString());
    }

    [Fact]
    public async Task Enforce_MxWithoutStartTls_Deferred()
    {
        await using var net = await StartAsync("enforce", "mx.sts.test", certificateName: null);

        await net.SubmitAsync("sender@out.test", "user@sts.test");

        Assert.Empty(net.Sessions);
        var recipient = Assert.Single(Assert.Single(net.Runner.List()).Envelope.Recipients);
        Assert.Equal("4.7.4", recipient.LastReply!.EnhancedCode.ToString());
    }

    [Fact]
    public async Task Enforce_MxNotInPolicy_DeferredWithoutConnecting()
    {
        await using var net = await StartAsync("enforce", "*.elsewhere.test", certificateName: "mx.sts.test");

        await net.SubmitAsync("sender@out.test", "user@sts.test");

        Assert.Empty(net.Sessions);
        var recipient = Assert.Single(Assert.Single(net.Runner.List()).Envelope.Recipients);
        Assert.Equal("451 4.7.5 No MX host of sts.test matches its MTA-STS policy", recipient.LastReply!.ToString());
    }

    [Theory]
    [InlineData("testing")]
    [InlineData("none")]
    public async Task TestingOrNone_CertificateForAnotherName_DeliveredOpportunistically(string mode)
    {
        await using var net = await StartAsync(mode, "*.elsewhere.test", certificateName: "other.test");

        await net.SubmitAsync("sender@out.test", "user@sts.test");

        Assert.Single(net.Delivered("user@sts.test"));
        Assert.True(Assert.Single(net.Sessions).Secure);
    }

    private async Task<MxNetwork> StartAsync(string mode, string mxPattern, string? certificateName)
    {
        var dns = new StaticZoneResolver(StaticZone.Parse(Zone));
        var roots = new X509Certificate2Collection();
        SmtpTlsOptions? tls = null;
        if (certificateName is not null)
        {
            var (cert, key) = TestCertificates.WritePem(Path.Combine(_certs.Path, certificateName), certificateName);
            roots.Add(X509Certificate2.CreateFromPem(File.ReadAllText(cert)));
            tls = new SmtpTlsOptions { Certificates = [new TlsCertificateSource { CertificatePath = cert, KeyPath = key }] };
        }

        var policy = $"version: STSv1\nmode: {mode}\nmx: {mxPattern}\nmax_age: 86400\n";
        var options = new QueueRunnerOptions
        {
            HostName = "out.test",
            MtaSts = new MtaStsResolver(dns, new FixedFetcher(policy)),
            Client = new SmtpClientOptions { TrustedRootCertificates = roots },
        };
        var net = MxNetwork.Create(dns, options);
        await net.StartMxAsync(IPAddress.Loopback, tls);
        return net;
    }

    private sealed class FixedFetcher(string body) : IMtaStsPolicyFetcher
    {
        public ValueTask<string?> FetchAsync(string domain, CancellationToken cancellationToken = default) => new(domain == "sts.test" ? body : null);
    }
}
