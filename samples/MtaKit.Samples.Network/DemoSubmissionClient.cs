using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MtaKit.Samples.Network;

/// <summary>A mail client submitting to the outbound relay with MtaKit's own SMTP client: STARTTLS (certificate checked) then AUTH.</summary>
internal static class DemoSubmissionClient
{
    /// <summary>Submits one message; returns the DATA reply, or the first refusal (connect, STARTTLS, AUTH, MAIL or RCPT).</summary>
    public static async Task<string> SendAsync(IPEndPoint server, string hostName, X509Certificate2 trusted, string user, string password, string from, string to, string message, CancellationToken cancellationToken)
    {
        var options = new SmtpClientOptions
        {
            HeloName = "client.demo.test",
            TlsMode = SmtpClientTlsMode.Required,
            TrustedRootCertificates = [trusted],
            Credentials = new SmtpClientCredentials(user, password),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            GreetingTimeout = TimeSpan.FromSeconds(30),
            CommandTimeout = TimeSpan.FromSeconds(30),
        };
        var connected = await SmtpClientConnection.ConnectAsync(SmtpClientEndpoint.Tcp(server.Address, server.Port, hostName), options, cancellationToken).ConfigureAwait(false);
        if (connected.Connection is not { } connection)
        {
            return connected.Reply.ToString();
        }

        await using (connection.ConfigureAwait(false))
        {
            var content = MessageContent.FromBytes(Encoding.ASCII.GetBytes(message.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n"));
            var results = await connection.SendAsync(new SmtpClientEnvelope(from, to), content, cancellationToken).ConfigureAwait(false);
            await connection.QuitAsync(cancellationToken).ConfigureAwait(false);
            return results[0].Reply.ToString();
        }
    }
}
