using MailKit.Net.Smtp;
using MimeKit;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests;

public sealed class ConfigurationTests
{
    [Fact]
    public async Task Host_FromConfiguration_AcceptsMailIntoMaildir()
    {
        using var dir = new TempDirectory();
        using var host = HostFixture.BuildMailstore(new()
        {
            ["MtaKit:ServerName"] = "mailstore.test",
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:Limits:MaxRecipients"] = "5",
        }, dir.Path);
        await host.StartAsync();
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(host.EndPoint().Address.ToString(), host.EndPoint().Port, MailKit.Security.SecureSocketOptions.None);
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse("alice@sender.test"));
            message.To.Add(MailboxAddress.Parse("bob@example.test"));
            message.Subject = "hello";
            message.Body = new TextPart("plain") { Text = "body" };
            await client.SendAsync(message);
            await client.DisconnectAsync(true);
        }

        await host.StopAsync();
        var file = Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, "bob@example.test", "new")));
        var stored = MimeMessage.Load(file);
        Assert.Equal("hello", stored.Subject);
        Assert.Contains("by mailstore.test (MtaKit)", stored.Headers["Received"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MtaKit:Listeners:smtp:Endpoint", "not-an-endpoint", "MtaKit:Listeners:smtp:Endpoint 'not-an-endpoint' is not host:port")]
    [InlineData("MtaKit:Listeners:smtp:ProxyProtocol", "true", "MtaKit:Listeners:smtp:ProxyProtocol is on but MtaKit:Listeners:smtp:TrustedProxies is empty")]
    [InlineData("MtaKit:Listeners:smtp:ProxyProtocol", "maybe", "MtaKit:Listeners:smtp:ProxyProtocol 'maybe' is not a valid boolean")]
    [InlineData("MtaKit:Limits:MaxRecipients", "0", "MtaKit:Limits:MaxRecipients must be at least 1")]
    [InlineData("MtaKit:Listeners:smtp:Limits:CommandTimeout", "soon", "MtaKit:Listeners:smtp:Limits:")]
    [InlineData("MtaKit:Listeners:smtp:TrustedProxies:0", "10.0.0.0/99", "MtaKit:Listeners:smtp:TrustedProxies:0 '10.0.0.0/99' is not a CIDR network")]
    [InlineData("MtaKit:Listeners:smtp:Tls:CertificatePath", "/nonexistent/cert.pem", "MtaKit:Listeners:smtp:Tls:CertificatePath '/nonexistent/cert.pem' does not exist")]
    public async Task Host_InvalidConfiguration_FailsAtStartNamingTheKey(string key, string value, string expected)
    {
        using var dir = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0", [key] = value };
        using var host = HostFixture.BuildMailstore(settings, dir.Path);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_PerListenerLimits_OverrideGlobalOnes()
    {
        using var dir = new TempDirectory();
        using var host = HostFixture.BuildMailstore(new()
        {
            ["MtaKit:Limits:MaxRecipients"] = "7",
            ["MtaKit:Limits:MaxMessageSize"] = "100000",
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:Listeners:smtp:Limits:MaxMessageSize"] = "200000",
        }, dir.Path);
        await host.StartAsync();
        var options = host.Services.GetService(typeof(SmtpServerHost)) is SmtpServerHost h ? h.Server.Options : null;
        await host.StopAsync();
        var listener = Assert.Single(options!.Listeners);
        Assert.Equal(200000, listener.Limits!.MaxMessageSize);
        Assert.Equal(7, listener.Limits.MaxRecipients);
        Assert.Equal(100000, options.Limits.MaxMessageSize);
    }
}
