using System.Text;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Client;

/// <summary>Against the real Dovecot LMTP server of tests/services/start-dovecot-lmtp.sh (see its header for the mailboxes).</summary>
public sealed class DovecotLmtpTests
{
    private static SmtpClientOptions Options(bool chunking) => new()
    {
        HeloName = "relay.example.test",
        Protocol = SmtpClientProtocol.Lmtp,
        TlsMode = SmtpClientTlsMode.None,
        UseChunking = chunking,
    };

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendAsync_MixedRecipients_OneOutcomePerRecipientInOrder(bool chunking)
    {
        var endpoint = ServiceEnvironment.Require("LMTP");
        var maildir = ServiceEnvironment.RequireValue("LMTP_MAILDIR");
        var local = "lmtp" + Guid.NewGuid().ToString("N")[..12];
        var body = $"Message-ID: <{local}@relay.example.test>\r\nSubject: mixed\r\n\r\n.dot line\r\n8bit \u00e9\r\n";
        var content = new BytesContent(body);
        var connect = await SmtpClientConnection.ConnectAsync(SmtpClientEndpoint.Tcp(endpoint.Address, endpoint.Port), Options(chunking));
        Assert.True(connect.Succeeded, connect.Reply.ToString());
        await using var connection = connect.Connection;
        Assert.True(connection.Capabilities.Chunking && connection.Capabilities.Pipelining);

        var envelope = new SmtpClientEnvelope("sender@example.test",
            $"{local}@example.test", "full@example.test", "x@tempfail.test", "tempfull@example.test", "x@other.test", "broken@example.test");
        var results = await connection.SendAsync(envelope, content);

        Assert.Equal(
            [DeliveryStatus.Accepted, DeliveryStatus.Permanent, DeliveryStatus.Transient, DeliveryStatus.Transient, DeliveryStatus.Permanent, DeliveryStatus.Transient],
            results.Select(r => r.Status));
        Assert.Equal(
            [DeliveryPhase.Data, DeliveryPhase.Data, DeliveryPhase.Rcpt, DeliveryPhase.Data, DeliveryPhase.Rcpt, DeliveryPhase.Data],
            results.Select(r => r.Phase));
        Assert.All(results, r => Assert.True(r.IsPeerReply));
        Assert.Equal(new EnhancedStatusCode(5, 2, 2), results[1].Reply.EnhancedCode);
        Assert.Equal(new EnhancedStatusCode(4, 2, 2), results[3].Reply.EnhancedCode);
        Assert.Equal(new EnhancedStatusCode(5, 1, 1), results[4].Reply.EnhancedCode);
        Assert.Equal(new EnhancedStatusCode(4, 2, 0), results[5].Reply.EnhancedCode);
        Assert.False(string.IsNullOrEmpty(results[0].QueueId));
        Assert.Contains(results[0].QueueId!, results[0].Reply.Text, StringComparison.Ordinal);

        var file = Assert.Single(Directory.GetFiles(Path.Combine(maildir, "example.test", local, "new")));
        var stored = await File.ReadAllBytesAsync(file);
        // Dovecot stores maildir files with LF line endings, after its Return-Path and Received.
        Assert.EndsWith(body.ReplaceLineEndings("\n"), Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.True(connection.IsUsable);
        await connection.QuitAsync();
        Directory.Delete(Path.Combine(maildir, "example.test", local), recursive: true);
    }

    [SkippableFact]
    public async Task IncrementalTransaction_RcptRepliesPassedOnThenPerRecipientDataReplies()
    {
        var endpoint = ServiceEnvironment.Require("LMTP");
        var local = "inc" + Guid.NewGuid().ToString("N")[..12];
        var connect = await SmtpClientConnection.ConnectAsync(SmtpClientEndpoint.Tcp(endpoint.Address, endpoint.Port), Options(chunking: true));
        Assert.True(connect.Succeeded, connect.Reply.ToString());
        await using var connection = connect.Connection;

        Assert.Equal(250, (await connection.MailAsync("sender@example.test")).Code);
        Assert.Equal(250, (await connection.RcptAsync(new SmtpClientRecipient($"{local}@example.test"))).Code);
        var unknown = await connection.RcptAsync(new SmtpClientRecipient("x@other.test"));
        Assert.Equal(550, unknown.Code);
        Assert.Equal(250, (await connection.RcptAsync(new SmtpClientRecipient("full@example.test"))).Code);
        var results = await connection.DataAsync(new BytesContent("Subject: inc\r\n\r\nhello\r\n"));

        Assert.Equal([$"{local}@example.test", "full@example.test"], results.Select(r => r.Recipient.ForwardPath));
        Assert.Equal([DeliveryStatus.Accepted, DeliveryStatus.Permanent], results.Select(r => r.Status));

        // the connection stays usable for the next transaction
        Assert.Equal(250, (await connection.MailAsync("")).Code);
        await connection.RsetAsync();
        await connection.QuitAsync();
    }
}
