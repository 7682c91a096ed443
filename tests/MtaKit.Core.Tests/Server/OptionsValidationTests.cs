using System.Net;
using MtaKit.Server;

namespace MtaKit.Core.Tests.Server;

public sealed class OptionsValidationTests
{
    private static SmtpListenerOptions Listener(string name = "smtp") => new() { Name = name, EndPoint = new IPEndPoint(IPAddress.Loopback, 0) };

    private static string CtorError(SmtpServerOptions options)
        => Assert.Throws<ArgumentException>(() => new SmtpServer(options, new CollectingHandler())).Message;

    [Fact]
    public void Ctor_NoListeners_Throws()
        => Assert.Contains("MtaKit:Listeners is empty", CtorError(new SmtpServerOptions { ServerName = "mx.test" }), StringComparison.Ordinal);

    [Fact]
    public void Ctor_EveryProblemListedWithItsKey()
    {
        var message = CtorError(new SmtpServerOptions
        {
            ServerName = "bad name",
            Limits = new SmtpLimits { MaxCommandLineLength = 100 },
            Listeners =
            [
                Listener("a") with { ImplicitTls = true },
                Listener("A"),
                Listener("b") with { Extensions = SmtpExtensions.BinaryMime, Limits = new SmtpLimits { MaxErrors = 0 } },
                Listener("c") with { Tls = new SmtpTlsOptions { Certificates = [new TlsCertificateSource { CertificatePath = "/nonexistent/cert.pem", KeyPath = "/nonexistent/key.pem" }] } },
            ],
        });
        Assert.Contains("MtaKit:ServerName", message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Limits:MaxCommandLineLength", message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Listeners:a is configured more than once", message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Listeners:a:ImplicitTls", message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Listeners:b:Extensions: BINARYMIME needs CHUNKING", message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Listeners:b:Limits:MaxErrors", message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Listeners:c:Tls:CertificatePath '/nonexistent/cert.pem' does not exist", message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Listeners:c:Tls:KeyPath", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctor_ValidOptions_NoThrow()
    {
        var server = new SmtpServer(new SmtpServerOptions { ServerName = "mx.test", Listeners = [Listener()] }, new CollectingHandler());
        Assert.Equal(0, server.ActiveConnections);
    }

    [Fact]
    public async Task Start_Twice_Throws()
    {
        await using var server = await TestServer.StartAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.Server.StartAsync());
        Assert.Throws<KeyNotFoundException>(() => server.Server.GetEndPoint("nope"));
        Assert.Equal(server.EndPoint, server.Server.EndPoints["test"]);
    }
}
