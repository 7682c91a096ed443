using System.Net;
using System.Text;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Client;

/// <summary>Against Postfix smtp-sink started by tests/services/start-smtp-sink.sh (dumps every transaction).</summary>
public sealed class SmtpSinkTests
{
    private static readonly SmtpClientOptions Options = new() { HeloName = "relay.example.test", TlsMode = SmtpClientTlsMode.Opportunistic };

    [SkippableFact]
    public async Task SendAsync_DotsEightBitLongLines_SinkReceivesTheSameMessage()
    {
        var endpoint = ServiceEnvironment.Require("SMTP_SINK");
        var dump = ServiceEnvironment.RequireValue("SMTP_SINK_DUMP");
        var marker = Guid.NewGuid().ToString("N");
        var body = new StringBuilder()
            .Append($"Message-ID: <{marker}@relay.example.test>\r\nSubject: byte exact\r\n\r\n")
            .Append(".starts with a dot\r\n..two\r\n.\r\n...\r\n")
            .Append("8-bit: \u00e4\u00f6\u00fc \u20ac\r\n")
            .Append(new string('L', 3000)).Append("\r\n")
            .Append("last line without CRLF")
            .ToString();
        var content = new BytesContent(body);
        var connect = await SmtpClientConnection.ConnectAsync(SmtpClientEndpoint.Tcp(endpoint.Address, endpoint.Port), Options);
        Assert.True(connect.Succeeded, connect.Reply.ToString());
        await using var connection = connect.Connection;
        Assert.True(connection.Capabilities.Pipelining && connection.Capabilities.Dsn);

        var envelope = new SmtpClientEnvelope("sender@example.test", [new SmtpClientRecipient("a@example.test") { Notify = DsnNotify.Failure }, new SmtpClientRecipient("b@example.test")])
        {
            Parameters = new SmtpClientMailParameters { Body = BodyType.EightBitMime, DsnReturn = DsnReturn.Headers, EnvelopeId = marker },
        };
        var results = await connection.SendAsync(envelope, content);
        await connection.QuitAsync();

        Assert.All(results, r => Assert.Equal(DeliveryStatus.Accepted, r.Status));
        var file = await FindDumpAsync(dump, marker);
        var text = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file));
        Assert.Contains($"X-Mail-Args: <sender@example.test> BODY=8BITMIME RET=HDRS ENVID={marker}", text, StringComparison.Ordinal);
        Assert.Contains("X-Rcpt-Args: <a@example.test> NOTIFY=FAILURE", text, StringComparison.Ordinal);
        var received = text[text.IndexOf("Message-ID: <" + marker, StringComparison.Ordinal)..];
        // smtp-sink dumps with LF line endings and one extra LF.
        Assert.Equal(body.ReplaceLineEndings("\n") + "\n", received.TrimEnd('\n') + "\n");
    }

    [SkippableFact]
    public async Task SendAsync_ManyMessagesOneConnection_AllAccepted()
    {
        var endpoint = ServiceEnvironment.Require("SMTP_SINK");
        var connect = await SmtpClientConnection.ConnectAsync(SmtpClientEndpoint.Tcp(IPAddress.Loopback.ToString(), endpoint.Port), Options);
        Assert.True(connect.Succeeded, connect.Reply.ToString());
        await using var connection = connect.Connection;
        var recipients = Enumerable.Range(0, 250).Select(i => $"r{i}@example.test").ToArray();
        for (var i = 0; i < 5; i++)
        {
            var results = await connection.SendAsync(new SmtpClientEnvelope("", recipients), new BytesContent($"Subject: {i}\r\n\r\nx\r\n"));
            Assert.Equal(250, results.Count);
            Assert.All(results, r => Assert.Equal(DeliveryStatus.Accepted, r.Status));
        }

        Assert.Equal(5, connection.CompletedTransactions);
        await connection.QuitAsync();
    }

    private static async Task<string> FindDumpAsync(string dir, string marker)
    {
        // smtp-sink writes the dump before its 250; the file is complete once we have the reply.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            foreach (var file in Directory.GetFiles(dir))
            {
                if ((await File.ReadAllTextAsync(file)).Contains(marker, StringComparison.Ordinal))
                {
                    return file;
                }
            }

            await Task.Delay(20);
        }

        throw new Xunit.Sdk.XunitException($"no dump in {dir} contains {marker}");
    }
}
