using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtaKit.Core.Tests.Client;

public sealed class SmtpClientTlsTests
{
    private static readonly Lazy<X509Certificate2> SelfSigned = new(() =>
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    });

    private static readonly SmtpClientOptions Options = new() { HeloName = "relay.example.test" };

    private static FakeEsmtp TlsServer(IReadOnlyList<string>? tlsExtensions = null, bool breakHandshake = false, string? inject = null) => new()
    {
        Certificate = SelfSigned.Value,
        TlsExtensions = tlsExtensions,
        BreakTlsHandshake = breakHandshake,
        InjectAfterStartTls = inject,
        Credentials = ("relay", "s3cret"),
    };

    [Fact]
    public async Task ConnectAsync_RequiredWithoutValidation_EncryptsWithSniAndReadsCapabilitiesAgain()
    {
        var esmtp = TlsServer(tlsExtensions: ["PIPELINING", "AUTH PLAIN LOGIN", "ENHANCEDSTATUSCODES"]);
        await using var server = new FakeSmtpServer(esmtp.RunAsync);

        var result = await SmtpClientConnection.ConnectAsync(server.Endpoint, Options with { TlsMode = SmtpClientTlsMode.Required, ValidateCertificate = false });

        Assert.True(result.Succeeded, result.Reply.ToString());
        await using var connection = result.Connection;
        Assert.True(connection.IsEncrypted);
        Assert.Equal(["PLAIN", "LOGIN"], connection.Capabilities.AuthMechanisms);
        Assert.Equal("localhost", Assert.Single(esmtp.ServerNames));
        var results = await connection.SendAsync(new SmtpClientEnvelope("s@example.test", "a@example.test"), new BytesContent("over tls\r\n"));
        Assert.Equal(DeliveryStatus.Accepted, Assert.Single(results).Status);
    }

    [Fact]
    public async Task ConnectAsync_RequiredWithValidationAndSelfSignedCertificate_TransientFailure()
    {
        await using var server = new FakeSmtpServer(TlsServer().RunAsync);
        var result = await SmtpClientConnection.ConnectAsync(server.Endpoint, Options with { TlsMode = SmtpClientTlsMode.Required });
        Assert.False(result.Succeeded);
        Assert.Equal(new EnhancedStatusCode(4, 7, 5), result.Reply.EnhancedCode);
        Assert.Equal(1, server.Sessions);
    }

    [Fact]
    public async Task ConnectAsync_RequiredWithValidationAndTrustedRoot_Encrypts()
    {
        await using var server = new FakeSmtpServer(TlsServer().RunAsync);
        using var root = X509CertificateLoader.LoadCertificate(SelfSigned.Value.RawData);

        var result = await SmtpClientConnection.ConnectAsync(server.Endpoint, Options with { TlsMode = SmtpClientTlsMode.Required, TrustedRootCertificates = [root] });

        Assert.True(result.Succeeded, result.Reply.ToString());
        await using var connection = result.Connection;
        Assert.True(connection.IsEncrypted);
    }

    [Fact]
    public async Task ConnectAsync_TrustedRootButNameMismatch_TransientFailure()
    {
        await using var server = new FakeSmtpServer(TlsServer().RunAsync);
        using var root = X509CertificateLoader.LoadCertificate(SelfSigned.Value.RawData);
        var endpoint = SmtpClientEndpoint.Tcp(IPAddress.Loopback, server.Endpoint.Port, "mx.other.test");

        var result = await SmtpClientConnection.ConnectAsync(endpoint, Options with { TlsMode = SmtpClientTlsMode.Required, TrustedRootCertificates = [root] });

        Assert.False(result.Succeeded);
        Assert.Equal(new EnhancedStatusCode(4, 7, 5), result.Reply.EnhancedCode);
    }

    [Fact]
    public async Task ConnectAsync_RequiredButNotOffered_TransientFailure()
    {
        await using var server = new FakeSmtpServer(new FakeEsmtp().RunAsync);
        var result = await SmtpClientConnection.ConnectAsync(server.Endpoint, Options with { TlsMode = SmtpClientTlsMode.Required });
        Assert.False(result.Succeeded);
        Assert.Equal(new EnhancedStatusCode(4, 7, 4), result.Reply.EnhancedCode);
        Assert.Contains("QUIT", server.Commands);
    }

    [Fact]
    public async Task ConnectAsync_OpportunisticSelfSigned_Encrypts()
    {
        await using var server = new FakeSmtpServer(TlsServer().RunAsync);
        var result = await SmtpClientConnection.ConnectAsync(server.Endpoint, Options);
        Assert.True(result.Succeeded, result.Reply.ToString());
        await using var connection = result.Connection;
        Assert.True(connection.IsEncrypted);
    }

    [Fact]
    public async Task ConnectAsync_OpportunisticHandshakeFails_ReconnectsInPlainText()
    {
        await using var server = new FakeSmtpServer(TlsServer(breakHandshake: true).RunAsync);
        var result = await SmtpClientConnection.ConnectAsync(server.Endpoint, Options);
        Assert.True(result.Succeeded, result.Reply.ToString());
        await using var connection = result.Connection;
        Assert.False(connection.IsEncrypted);
        Assert.Equal(2, server.Sessions);
    }

    [Fact]
    public async Task ConnectAsync_PlaintextInjectedAfterStartTls_RefusesTheSession()
    {
        await using var server = new FakeSmtpServer(TlsServer(inject: "250 2.0.0 injected\r\n").RunAsync);
        var result = await SmtpClientConnection.ConnectAsync(server.Endpoint, Options with { TlsMode = SmtpClientTlsMode.Required, ValidateCertificate = false });
        Assert.False(result.Succeeded);
        Assert.Equal(new EnhancedStatusCode(4, 5, 0), result.Reply.EnhancedCode);
    }

    [Theory]
    [InlineData("AUTH PLAIN LOGIN", "PLAIN relay")]
    [InlineData("AUTH LOGIN", "LOGIN relay")]
    public async Task ConnectAsync_AuthOverTls_Authenticates(string authLine, string expected)
    {
        var esmtp = TlsServer(tlsExtensions: ["PIPELINING", authLine]);
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        var result = await SmtpClientConnection.ConnectAsync(server.Endpoint, Options with { Credentials = new("relay", "s3cret") });
        Assert.True(result.Succeeded, result.Reply.ToString());
        await using var connection = result.Connection;
        Assert.True(connection.IsAuthenticated);
        Assert.Equal(expected, Assert.Single(esmtp.AuthenticatedUsers));
    }

    [Fact]
    public async Task ConnectAsync_WrongPassword_ReturnsPeerPermanentReply()
    {
        await using var server = new FakeSmtpServer(TlsServer(tlsExtensions: ["AUTH PLAIN"]).RunAsync);
        var result = await SmtpClientConnection.ConnectAsync(server.Endpoint, Options with { Credentials = new("relay", "wrong") });
        Assert.False(result.Succeeded);
        Assert.True(result.IsPeerReply);
        Assert.Equal(535, result.Reply.Code);
    }

    [Fact]
    public async Task ConnectAsync_AuthWithoutTls_NotSentUnlessAllowed()
    {
        var esmtp = new FakeEsmtp { Extensions = ["AUTH PLAIN"], Credentials = ("relay", "s3cret") };
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        var options = Options with { TlsMode = SmtpClientTlsMode.None, Credentials = new("relay", "s3cret") };

        var refused = await SmtpClientConnection.ConnectAsync(server.Endpoint, options);
        Assert.False(refused.Succeeded);
        Assert.False(refused.IsPeerReply);
        Assert.DoesNotContain(server.Commands, c => c.StartsWith("AUTH", StringComparison.Ordinal));

        var allowed = await SmtpClientConnection.ConnectAsync(server.Endpoint, options with { AllowAuthWithoutTls = true });
        Assert.True(allowed.Succeeded, allowed.Reply.ToString());
        await allowed.Connection.QuitAsync();
    }
}
