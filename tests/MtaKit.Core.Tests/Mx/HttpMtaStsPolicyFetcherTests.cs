using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Mx;

public sealed class HttpMtaStsPolicyFetcherTests
{
    [Fact]
    public async Task FetchAsync_200TextPlain_BodyFromWellKnownHttpsUri()
    {
        var handler = new Handler(HttpStatusCode.OK, "text/plain", "version: STSv1\n");
        using var sut = new HttpMtaStsPolicyFetcher(handler);

        var body = await sut.FetchAsync("Example.TEST.");

        Assert.Equal("version: STSv1\n", body);
        Assert.Equal(new Uri("https://mta-sts.example.test/.well-known/mta-sts.txt"), handler.Asked);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "text/plain")]
    [InlineData(HttpStatusCode.MovedPermanently, "text/plain")]
    [InlineData(HttpStatusCode.OK, "text/html")]
    public async Task FetchAsync_NotOkOrNotTextPlain_Null(HttpStatusCode status, string mediaType)
    {
        using var sut = new HttpMtaStsPolicyFetcher(new Handler(status, mediaType, "version: STSv1\n"));

        Assert.Null(await sut.FetchAsync("example.test"));
    }

    [Fact]
    public async Task FetchAsync_BodyOver64KiB_Null()
    {
        using var sut = new HttpMtaStsPolicyFetcher(new Handler(HttpStatusCode.OK, "text/plain", new string('x', HttpMtaStsPolicyFetcher.MaxBodyLength + 1)));

        Assert.Null(await sut.FetchAsync("example.test"));
    }

    [Fact]
    public async Task FetchAsync_NothingListening_NullNotException()
    {
        using var sut = new HttpMtaStsPolicyFetcher(new SocketsHttpHandler { ConnectCallback = static (_, _) => throw new HttpRequestException("refused") });

        Assert.Null(await sut.FetchAsync("example.test"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FetchAsync_RealHttpsServer_BodyOnlyWithCertificateValidForPolicyHost(bool trusted)
    {
        using var dir = new TempDirectory();
        var (certPath, keyPath) = TestCertificates.WritePem(dir.Path, "mta-sts.sts.test");
        using var pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        using var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pfx), null);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = ServeOnceAsync(listener, certificate, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 22\r\nConnection: close\r\n\r\nversion: STSv1\nmode: x");
        var ssl = new SslClientAuthenticationOptions();
        if (trusted)
        {
            ssl.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            ssl.CertificateChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(File.ReadAllText(certPath)));
        }

        using var sut = new HttpMtaStsPolicyFetcher(LoopbackHandler(port, ssl)) { Port = port };

        var body = await sut.FetchAsync("sts.test");

        Assert.Equal(trusted ? "version: STSv1\nmode: x" : null, body);
        Assert.Equal("mta-sts.sts.test", await served);
    }

    /// <summary>A handler that connects every host name to 127.0.0.1:<paramref name="port"/> (the policy host's name still goes in SNI and the certificate check).</summary>
    private static SocketsHttpHandler LoopbackHandler(int port, SslClientAuthenticationOptions ssl) => new()
    {
        AllowAutoRedirect = false,
        SslOptions = ssl,
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    };

    /// <summary>Accepts one TLS connection, reads the request head, answers <paramref name="response"/>; returns the SNI the client sent (also when it then refuses the certificate).</summary>
    private static async Task<string?> ServeOnceAsync(TcpListener listener, X509Certificate2 certificate, string response)
    {
        using var client = await listener.AcceptTcpClientAsync();
        await using var ssl = new SslStream(client.GetStream());
        string? sni = null;
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateSelectionCallback = (_, host) =>
                {
                    sni = host;
                    return certificate;
                },
            });
            var buffer = new byte[4096];
            var head = new StringBuilder();
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await ssl.ReadAsync(buffer);
                if (n == 0)
                {
                    break;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            await ssl.WriteAsync(Encoding.ASCII.GetBytes(response));
            await ssl.FlushAsync();
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            // the client refused the certificate
        }

        return sni;
    }

    private sealed class Handler(HttpStatusCode status, string mediaType, string body) : HttpMessageHandler
    {
        public Uri? Asked { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Asked = request.RequestUri;
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) });
        }
    }
}
