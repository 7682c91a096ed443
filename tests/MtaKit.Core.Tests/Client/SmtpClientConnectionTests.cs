using System.Net;
using System.Text;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Client;

public sealed class SmtpClientConnectionTests
{
    private static readonly SmtpClientOptions Options = new() { HeloName = "relay.example.test", TlsMode = SmtpClientTlsMode.None };

    /// <summary>Answers greeting, EHLO and MAIL, reads the RCPT, then runs <paramref name="atRcpt"/> instead of answering.</summary>
    private static FakeSmtpServer ServerUntilRcpt(Func<FakeSmtpSession, Task> atRcpt) => new(async s =>
    {
        await s.ReplyAsync("220 x ESMTP");
        await s.ReadLineAsync();
        await s.ReplyAsync("250 x");
        await s.ReadLineAsync();
        await s.ReplyAsync("250 2.1.0 ok");
        await s.ReadLineAsync();
        await atRcpt(s);
    });

    private static async Task<SmtpClientConnection> ConnectAsync(FakeSmtpServer server, SmtpClientOptions? options = null)
    {
        var result = await SmtpClientConnection.ConnectAsync(server.Endpoint, options ?? Options);
        Assert.True(result.Succeeded, result.Reply.ToString());
        return result.Connection;
    }

    [Fact]
    public async Task SendAsync_Pipelining_SendsMailAndRcptsInOneWriteAndDeliversExactBytes()
    {
        var esmtp = new FakeEsmtp { RcptReply = l => l.Contains("bad@", StringComparison.Ordinal) ? "550 5.1.1 <bad@example.test> User unknown" : "250 2.1.5 Ok" };
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var connection = await ConnectAsync(server);
        var body = ".leading dot\r\n..two dots\r\n8-bit: \u00e9\u00e8\u00ff\r\n" + new string('x', 5000) + "\r\nno final newline";
        var content = new BytesContent(body);

        var results = await connection.SendAsync(new SmtpClientEnvelope("sender@example.test", "a@example.test", "bad@example.test", "b@example.test"), content);

        Assert.Equal([DeliveryStatus.Accepted, DeliveryStatus.Permanent, DeliveryStatus.Accepted], results.Select(r => r.Status));
        Assert.Equal("4AbCdE", results[0].QueueId);
        Assert.Equal(DeliveryPhase.Rcpt, results[1].Phase);
        Assert.Equal(new EnhancedStatusCode(5, 1, 1), results[1].Reply.EnhancedCode);
        Assert.True(results.All(r => r.IsPeerReply));
        var message = Assert.Single(esmtp.Messages);
        Assert.Equal(content.Bytes.Concat("\r\n"u8.ToArray()), message.Content);
        Assert.Equal("MAIL FROM:<sender@example.test> SIZE=" + content.Length, message.Mail);
        var commands = server.Commands.ToArray();
        var mailIndex = Array.FindIndex(commands, c => c.StartsWith("MAIL", StringComparison.Ordinal));
        Assert.Equal(["+RCPT TO:<a@example.test>", "+RCPT TO:<bad@example.test>", "+RCPT TO:<b@example.test>"], commands[(mailIndex + 1)..(mailIndex + 4)]);
        Assert.Equal("DATA", commands[mailIndex + 4]);
        Assert.Equal(1, connection.CompletedTransactions);
        Assert.True(connection.IsUsable);
        await connection.QuitAsync();
        Assert.False(connection.IsUsable);
    }

    [Fact]
    public async Task MailAndRcptAsync_Pipelining_SendsMailAndFirstRcptInOneWrite()
    {
        var esmtp = new FakeEsmtp();
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var connection = await ConnectAsync(server);

        var (mail, rcpt) = await connection.MailAndRcptAsync("s@example.test", new SmtpClientMailParameters { Size = 42 }, new SmtpClientRecipient("a@example.test"));
        var second = await connection.RcptAsync(new SmtpClientRecipient("b@example.test"));
        var results = await connection.DataAsync(new BytesContent("Subject: x\r\n\r\nhi\r\n"));

        Assert.Equal(250, mail.Code);
        Assert.Equal(250, rcpt?.Code);
        Assert.Equal(250, second.Code);
        Assert.Equal(2, results.Count(r => r.Status == DeliveryStatus.Accepted));
        var commands = server.Commands.ToArray();
        var mailIndex = Array.FindIndex(commands, c => c.StartsWith("MAIL", StringComparison.Ordinal));
        Assert.Equal(["MAIL FROM:<s@example.test> SIZE=42", "+RCPT TO:<a@example.test>", "RCPT TO:<b@example.test>"], commands[mailIndex..(mailIndex + 3)]);
        Assert.Equal(["RCPT TO:<a@example.test>", "RCPT TO:<b@example.test>"], Assert.Single(esmtp.Messages).Rcpts);
    }

    [Fact]
    public async Task MailAndRcptAsync_PeerWithoutPipelining_SendsOneCommandPerWrite()
    {
        var esmtp = new FakeEsmtp { Extensions = ["SIZE 10000000", "ENHANCEDSTATUSCODES"] };
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var connection = await ConnectAsync(server);

        var (mail, rcpt) = await connection.MailAndRcptAsync("s@example.test", null, new SmtpClientRecipient("a@example.test"));
        await connection.DataAsync(new BytesContent("x\r\n"));

        Assert.Equal(250, mail.Code);
        Assert.Equal(250, rcpt?.Code);
        Assert.Contains("RCPT TO:<a@example.test>", server.Commands);
        Assert.DoesNotContain(server.Commands, c => c.StartsWith('+'));
        Assert.Single(esmtp.Messages);
    }

    [Fact]
    public async Task MailAndRcptAsync_MailRefused_ConsumesRcptReplyAndStaysInStep()
    {
        await using var server = new FakeSmtpServer(async s =>
        {
            await s.ReplyAsync("220 x ESMTP");
            await s.ReadLineAsync();
            await s.ReplyAsync("250-x\r\n250 PIPELINING");
            var refused = false;
            while (await s.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("MAIL", StringComparison.Ordinal))
                {
                    refused = line.Contains("spam@", StringComparison.Ordinal);
                    await s.ReplyAsync(refused ? "550 5.7.1 Sender refused" : "250 2.1.0 Ok");
                }
                else if (line.StartsWith("RCPT", StringComparison.Ordinal))
                {
                    await s.ReplyAsync(refused ? "503 5.5.1 Need MAIL first" : "251 2.1.5 Ok then");
                }
                else
                {
                    await s.ReplyAsync("221 2.0.0 Bye");
                    break;
                }
            }
        });
        await using var connection = await ConnectAsync(server);

        var (mail, rcpt) = await connection.MailAndRcptAsync("spam@example.test", null, new SmtpClientRecipient("a@example.test"));
        Assert.Equal(550, mail.Code);
        Assert.Null(rcpt);
        Assert.False(connection.InTransaction);

        var (again, first) = await connection.MailAndRcptAsync("ham@example.test", null, new SmtpClientRecipient("a@example.test"));
        Assert.Equal(250, again.Code);
        Assert.Equal(251, first?.Code);
        Assert.True(connection.IsUsable);
    }

    [Fact]
    public async Task IncrementalTransaction_EachRcptAnsweredAlone_ReturnsPeerReplies()
    {
        var esmtp = new FakeEsmtp { RcptReply = l => l.Contains("later@", StringComparison.Ordinal) ? "451 4.7.1 Try again later" : "250 2.1.5 Ok" };
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var connection = await ConnectAsync(server);

        Assert.Equal(250, (await connection.MailAsync("s@example.test", new SmtpClientMailParameters { Body = BodyType.EightBitMime, Size = 42 })).Code);
        Assert.True(connection.InTransaction);
        var first = await connection.RcptAsync(new SmtpClientRecipient("a@example.test"));
        var second = await connection.RcptAsync(new SmtpClientRecipient("later@example.test"));
        Assert.Equal(250, first.Code);
        Assert.Equal(451, second.Code);
        Assert.Equal("Try again later", second.Text);
        var results = await connection.DataAsync(new BytesContent("Subject: x\r\n\r\nhi\r\n"));

        var result = Assert.Single(results);
        Assert.Equal("a@example.test", result.Recipient.ForwardPath);
        Assert.Equal(DeliveryStatus.Accepted, result.Status);
        Assert.False(connection.InTransaction);
        Assert.DoesNotContain(server.Commands, c => c.StartsWith('+'));
        Assert.Equal("MAIL FROM:<s@example.test> SIZE=42 BODY=8BITMIME", Assert.Single(esmtp.Messages).Mail);
    }

    [Fact]
    public async Task SendAsync_DsnParameters_PassedWhenPeerHasDsnAndDroppedOtherwise()
    {
        var envelope = new SmtpClientEnvelope("s@example.test", [new SmtpClientRecipient("a@example.test") { Notify = DsnNotify.Success | DsnNotify.Failure, OriginalRecipient = "A+1=x@example.test" }])
        {
            Parameters = new SmtpClientMailParameters { DsnReturn = DsnReturn.Headers, EnvelopeId = "id 1", Body = BodyType.EightBitMime },
        };
        var withDsn = new FakeEsmtp();
        var without = new FakeEsmtp { Extensions = ["PIPELINING"] };
        await using (var server = new FakeSmtpServer(withDsn.RunAsync))
        {
            await using var connection = await ConnectAsync(server);
            await connection.SendAsync(envelope, new BytesContent("x\r\n"));
        }

        await using (var server = new FakeSmtpServer(without.RunAsync))
        {
            await using var connection = await ConnectAsync(server);
            await connection.SendAsync(envelope, new BytesContent("x\r\n"));
        }

        var m1 = Assert.Single(withDsn.Messages);
        Assert.Equal("MAIL FROM:<s@example.test> SIZE=3 BODY=8BITMIME RET=HDRS ENVID=id+201", m1.Mail);
        Assert.Equal("RCPT TO:<a@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;A+2B1+3Dx@example.test", Assert.Single(m1.Rcpts));
        var m2 = Assert.Single(without.Messages);
        Assert.Equal("MAIL FROM:<s@example.test>", m2.Mail);
        Assert.Equal("RCPT TO:<a@example.test>", Assert.Single(m2.Rcpts));
    }

    [Fact]
    public async Task SendAsync_LargerThanPeerSize_PermanentFailureWithoutSending()
    {
        var esmtp = new FakeEsmtp { Extensions = ["PIPELINING", "SIZE 100", "ENHANCEDSTATUSCODES"] };
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var connection = await ConnectAsync(server);

        var results = await connection.SendAsync(new SmtpClientEnvelope("s@example.test", "a@example.test"), new BytesContent(new byte[101]));

        var result = Assert.Single(results);
        Assert.Equal(DeliveryStatus.Permanent, result.Status);
        Assert.Equal(new EnhancedStatusCode(5, 3, 4), result.Reply.EnhancedCode);
        Assert.False(result.IsPeerReply);
        Assert.DoesNotContain(server.Commands, c => c.Contains("MAIL", StringComparison.Ordinal));
        Assert.True(connection.IsUsable);
    }

    [Fact]
    public async Task SendAsync_Utf8AddressToPeerWithoutSmtpUtf8_PermanentFailure()
    {
        var esmtp = new FakeEsmtp { Extensions = ["PIPELINING", "8BITMIME"] };
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var connection = await ConnectAsync(server);

        var results = await connection.SendAsync(new SmtpClientEnvelope("s@example.test", "a@example.test", "j\u00f6rg@example.test"), new BytesContent("x\r\n"));
        Assert.Equal(DeliveryStatus.Accepted, results[0].Status);
        Assert.Equal(DeliveryStatus.Permanent, results[1].Status);
        Assert.Equal(new EnhancedStatusCode(5, 6, 7), results[1].Reply.EnhancedCode);

        var all = await connection.SendAsync(new SmtpClientEnvelope("s@example.test", "a@example.test") { Parameters = new() { RequiresSmtpUtf8 = true } }, new BytesContent("x\r\n"));
        Assert.Equal(550, Assert.Single(all).Reply.Code);
        Assert.Equal(DeliveryPhase.Mail, all[0].Phase);
    }

    [Fact]
    public async Task SendAsync_Utf8AddressToPeerWithSmtpUtf8_SendsSmtpUtf8Parameter()
    {
        var esmtp = new FakeEsmtp();
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var connection = await ConnectAsync(server);

        var results = await connection.SendAsync(new SmtpClientEnvelope("s@example.test", "j\u00f6rg@example.test"), new BytesContent("x\r\n"));

        Assert.Equal(DeliveryStatus.Accepted, Assert.Single(results).Status);
        Assert.EndsWith(" SMTPUTF8", Assert.Single(esmtp.Messages).Mail, StringComparison.Ordinal);
        Assert.Equal("RCPT TO:<j\u00f6rg@example.test>", esmtp.Messages.Single().Rcpts[0]);
    }

    [Fact]
    public async Task SendAsync_Chunking_SendsBdatWithExactBytes()
    {
        var esmtp = new FakeEsmtp { Extensions = ["PIPELINING", "CHUNKING", "BINARYMIME", "8BITMIME"] };
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var connection = await ConnectAsync(server, Options with { ChunkSize = 1000 });
        var bytes = new byte[2500];
        new Random(7).NextBytes(bytes);

        var results = await connection.SendAsync(new SmtpClientEnvelope("s@example.test", "a@example.test") { Parameters = new() { Body = BodyType.BinaryMime } }, new BytesContent(bytes));

        Assert.Equal(DeliveryStatus.Accepted, Assert.Single(results).Status);
        var message = Assert.Single(esmtp.Messages);
        Assert.True(message.Bdat);
        Assert.Equal(bytes, message.Content);
        Assert.Contains("BDAT 1000", server.Commands);
        Assert.Contains("BDAT 500 LAST", server.Commands.Select(c => c.TrimStart('+')));
        Assert.Contains("BODY=BINARYMIME", message.Mail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_BinaryMimeToPeerWithoutIt_PermanentFailure()
    {
        await using var server = new FakeSmtpServer(new FakeEsmtp().RunAsync);
        await using var connection = await ConnectAsync(server);
        var results = await connection.SendAsync(new SmtpClientEnvelope("s@example.test", "a@example.test") { Parameters = new() { Body = BodyType.BinaryMime } }, new BytesContent("x"));
        Assert.Equal(new EnhancedStatusCode(5, 6, 3), Assert.Single(results).Reply.EnhancedCode);
    }

    [Fact]
    public async Task ConnectAsync_EhloRejected_FallsBackToHelo()
    {
        var esmtp = new FakeEsmtp { EhloReply = "502 5.5.1 EHLO not implemented" };
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var connection = await ConnectAsync(server);

        Assert.Same(SmtpPeerCapabilities.None, connection.Capabilities);
        Assert.Contains("HELO relay.example.test", server.Commands);
        var results = await connection.SendAsync(new SmtpClientEnvelope("s@example.test", "a@example.test", "b@example.test"), new BytesContent("hi\r\n"));
        Assert.All(results, r => Assert.Equal(DeliveryStatus.Accepted, r.Status));
        Assert.DoesNotContain(server.Commands, c => c.StartsWith('+'));
    }

    [Fact]
    public async Task ConnectAsync_GreetingRejected_ReturnsPeerReply()
    {
        await using var server = new FakeSmtpServer(new FakeEsmtp { Greeting = "554 5.3.2 No service here" }.RunAsync);
        var result = await SmtpClientConnection.ConnectAsync(server.Endpoint, Options);
        Assert.False(result.Succeeded);
        Assert.True(result.IsPeerReply);
        Assert.Equal(554, result.Reply.Code);
    }

    [Fact]
    public async Task ConnectAsync_Refused_ReturnsTransientReply()
    {
        var port = FreePort.Next();
        var result = await SmtpClientConnection.ConnectAsync(SmtpClientEndpoint.Tcp(IPAddress.Loopback, port), Options);
        Assert.False(result.Succeeded);
        Assert.False(result.IsPeerReply);
        Assert.True(result.Reply.IsTransient);
        Assert.Equal(new EnhancedStatusCode(4, 4, 1), result.Reply.EnhancedCode);
        Assert.Contains("ConnectionRefused", result.Reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_PeerDiesMidData_TransientResultAndConnectionUnusable()
    {
        await using var server = new FakeSmtpServer(async s =>
        {
            await s.ReplyAsync("220 x ESMTP");
            while (await s.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("DATA", StringComparison.Ordinal))
                {
                    await s.ReplyAsync("354 go");
                    await s.ReadBytesAsync(10);
                    s.Abort();
                    return;
                }

                await s.ReplyAsync(line.StartsWith("EHLO", StringComparison.Ordinal) ? "250 x" : "250 2.0.0 ok");
            }
        });
        await using var connection = await ConnectAsync(server);

        var results = await connection.SendAsync(new SmtpClientEnvelope("s@example.test", "a@example.test"), new BytesContent(new byte[4 * 1024 * 1024]));

        var result = Assert.Single(results);
        Assert.Equal(DeliveryStatus.Transient, result.Status);
        Assert.Equal(DeliveryPhase.Data, result.Phase);
        Assert.False(result.IsPeerReply);
        Assert.False(connection.IsUsable);
        Assert.NotNull(connection.Fault);
        Assert.Same(connection.Fault, await connection.NoopAsync());
    }

    [Fact]
    public async Task RcptAsync_PeerClosesConnection_TransientFaultReply()
    {
        await using var server = ServerUntilRcpt(s =>
        {
            s.Abort();
            return Task.CompletedTask;
        });
        await using var connection = await ConnectAsync(server);
        Assert.Equal(250, (await connection.MailAsync("s@example.test")).Code);

        var reply = await connection.RcptAsync(new SmtpClientRecipient("a@example.test"));

        Assert.Equal(451, reply.Code);
        Assert.Equal(new EnhancedStatusCode(4, 4, 2), reply.EnhancedCode);
        Assert.Contains("RCPT TO", reply.Text, StringComparison.Ordinal);
        Assert.False(connection.IsUsable);
    }

    [Fact]
    public async Task RcptAsync_PeerHangs_TimesOutWithTransientReply()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var release = new TaskCompletionSource();
        await using var server = ServerUntilRcpt(_ => release.Task);
        await using var connection = await ConnectAsync(server, Options with { TimeProvider = time, RcptTimeout = TimeSpan.FromMinutes(5) });
        await connection.MailAsync("s@example.test");

        var pending = connection.RcptAsync(new SmtpClientRecipient("a@example.test")).AsTask();
        time.Advance(TimeSpan.FromMinutes(4));
        await Task.WhenAny(pending, Task.Delay(50));
        Assert.False(pending.IsCompleted);

        var reply = await AdvanceUntilDoneAsync(time, pending);
        release.SetResult();
        Assert.Equal(451, reply.Code);
        Assert.Contains("Timed out after 300 s while waiting for the reply to RCPT TO", reply.Text, StringComparison.Ordinal);
        Assert.False(connection.IsUsable);
    }

    [Fact]
    public async Task RcptAsync_CallerCancels_ThrowsAndClosesConnection()
    {
        var release = new TaskCompletionSource();
        await using var server = ServerUntilRcpt(_ => release.Task);
        await using var connection = await ConnectAsync(server);
        await connection.MailAsync("s@example.test");
        using var cts = new CancellationTokenSource();
        var pending = connection.RcptAsync(new SmtpClientRecipient("a@example.test"), cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        release.SetResult();
        Assert.False(connection.IsUsable);
    }

    [Fact]
    public async Task MailAsync_InjectedLineBreak_Throws()
    {
        await using var server = new FakeSmtpServer(new FakeEsmtp().RunAsync);
        await using var connection = await ConnectAsync(server);
        await Assert.ThrowsAsync<ArgumentException>(async () => await connection.MailAsync("a@b>\r\nRCPT TO:<x@y"));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await connection.RcptAsync(new SmtpClientRecipient("a@b")));
    }

    [Fact]
    public async Task DataAsync_NoAcceptedRecipient_ResetsAndReturnsEmpty()
    {
        var esmtp = new FakeEsmtp { RcptReply = _ => "550 5.1.1 unknown" };
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var connection = await ConnectAsync(server);
        await connection.MailAsync("s@example.test");
        await connection.RcptAsync(new SmtpClientRecipient("a@example.test"));
        Assert.Empty(await connection.DataAsync(new BytesContent("x\r\n")));
        Assert.Contains("RSET", server.Commands);
        Assert.False(connection.InTransaction);
        Assert.Empty(esmtp.Messages);
    }

    [Fact]
    public async Task SendAsync_Lmtp_OneReplyPerAcceptedRecipient()
    {
        var esmtp = new FakeEsmtp
        {
            Lmtp = true,
            RcptReply = l => l.Contains("nobody@", StringComparison.Ordinal) ? "550 5.1.1 unknown" : "250 2.1.5 OK",
            DataReply = r => r.Contains("full@", StringComparison.Ordinal) ? "552 5.2.2 <full@example.test> Quota exceeded" : $"250 2.0.0 {r[8..]} Q1 Saved",
        };
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var connection = await ConnectAsync(server, Options with { Protocol = SmtpClientProtocol.Lmtp });

        var results = await connection.SendAsync(new SmtpClientEnvelope("s@example.test", "a@example.test", "nobody@example.test", "full@example.test"), new BytesContent("x\r\n"));

        Assert.Contains("LHLO relay.example.test", server.Commands);
        Assert.Equal([DeliveryStatus.Accepted, DeliveryStatus.Permanent, DeliveryStatus.Permanent], results.Select(r => r.Status));
        Assert.Equal([DeliveryPhase.Data, DeliveryPhase.Rcpt, DeliveryPhase.Data], results.Select(r => r.Phase));
        Assert.Equal("Q1", results[0].QueueId);
        Assert.Equal(new EnhancedStatusCode(5, 2, 2), results[2].Reply.EnhancedCode);
        Assert.True(connection.IsUsable);
    }

    [Fact]
    public async Task SendAsync_TwoMessagesOnOneConnection_BothDelivered()
    {
        var esmtp = new FakeEsmtp();
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var connection = await ConnectAsync(server);
        for (var i = 0; i < 2; i++)
        {
            var results = await connection.SendAsync(new SmtpClientEnvelope("", "a@example.test"), new BytesContent(Encoding.ASCII.GetBytes($"m{i}\r\n")));
            Assert.Equal(DeliveryStatus.Accepted, Assert.Single(results).Status);
        }

        Assert.Equal(2, connection.CompletedTransactions);
        Assert.Equal(2, esmtp.Messages.Count);
        Assert.StartsWith("MAIL FROM:<> ", esmtp.Messages.First().Mail, StringComparison.Ordinal);
        Assert.Equal(1, server.Sessions);
    }

    [Fact]
    public async Task ConnectAsync_UnixSocketLmtp_Delivers()
    {
        var path = Path.Combine(Path.GetTempPath(), "mtakit-lmtp-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        try
        {
            var esmtp = new FakeEsmtp { Lmtp = true, DataReply = r => $"250 2.0.0 {r[8..]} Saved" };
            await using var server = new FakeSmtpServer(esmtp.RunAsync, path);
            var connect = await SmtpClientConnection.ConnectAsync(SmtpClientEndpoint.Unix(path), Options with { Protocol = SmtpClientProtocol.Lmtp });
            Assert.True(connect.Succeeded, connect.Reply.ToString());
            await using var connection = connect.Connection;
            var results = await connection.SendAsync(new SmtpClientEnvelope("s@example.test", "a@example.test", "b@example.test"), new BytesContent("x\r\n"));
            Assert.All(results, r => Assert.Equal(DeliveryStatus.Accepted, r.Status));
            Assert.Null(results[0].QueueId);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task DataAsync_PeerHangsAfterFinalDot_TimesOutAfterDataTerminationTimeout()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var release = new TaskCompletionSource();
        var received = new TaskCompletionSource();
        await using var server = new FakeSmtpServer(async s =>
        {
            await s.ReplyAsync("220 x ESMTP");
            while (await s.ReadLineAsync() is { } line)
            {
                if (line == "DATA")
                {
                    await s.ReplyAsync("354 go");
                    await s.ReadDataAsync();
                    received.SetResult();
                    await release.Task;
                    return;
                }

                await s.ReplyAsync(line.StartsWith("EHLO", StringComparison.Ordinal) ? "250 x" : "250 2.0.0 ok");
            }
        });
        await using var connection = await ConnectAsync(server, Options with { TimeProvider = time });
        await connection.MailAsync("s@example.test");
        await connection.RcptAsync(new SmtpClientRecipient("a@example.test"));
        await connection.RcptAsync(new SmtpClientRecipient("b@example.test"));

        var pending = connection.DataAsync(new BytesContent("x\r\n")).AsTask();
        await received.Task;
        await Task.Delay(100); // the client starts waiting for the final reply (its shorter DATA timers must not be advanced)
        time.Advance(TimeSpan.FromMinutes(9));
        await Task.WhenAny(pending, Task.Delay(50));
        Assert.False(pending.IsCompleted);
        var results = await AdvanceUntilDoneAsync(time, pending);
        release.SetResult();

        Assert.Equal(2, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(DeliveryStatus.Transient, r.Status);
            Assert.Contains("Timed out after 600 s while waiting for the reply to the end of data", r.Reply.Text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task RcptAsync_TransactionBudgetSpent_TransientFault()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var server = new FakeSmtpServer(new FakeEsmtp().RunAsync);
        await using var connection = await ConnectAsync(server, Options with { TimeProvider = time, TransactionTimeout = TimeSpan.FromMinutes(10) });
        await connection.MailAsync("s@example.test");
        Assert.Equal(250, (await connection.RcptAsync(new SmtpClientRecipient("a@example.test"))).Code);

        time.Advance(TimeSpan.FromMinutes(11));
        var reply = await connection.RcptAsync(new SmtpClientRecipient("b@example.test"));

        Assert.Equal(451, reply.Code);
        Assert.Contains("exceeded its budget of 600 s", reply.Text, StringComparison.Ordinal);
        var results = await connection.DataAsync(new BytesContent("x\r\n"));
        Assert.Equal("a@example.test", Assert.Single(results).Recipient.ForwardPath);
        Assert.Same(reply, results[0].Reply);
    }

    [Fact]
    public async Task DataAsync_PeerGoneAfterRcpts_EachAcceptedRecipientGetsTheFault()
    {
        var esmtp = new FakeEsmtp();
        FakeSmtpSession? session = null;
        await using var server = new FakeSmtpServer(s =>
        {
            session = s;
            return esmtp.RunAsync(s);
        });
        await using var connection = await ConnectAsync(server);
        await connection.MailAsync("s@example.test");
        await connection.RcptAsync(new SmtpClientRecipient("a@example.test"));
        await connection.RcptAsync(new SmtpClientRecipient("b@example.test"));
        session!.Abort();

        var results = await connection.DataAsync(new BytesContent("x\r\n"));

        Assert.Equal(["a@example.test", "b@example.test"], results.Select(r => r.Recipient.ForwardPath));
        Assert.All(results, r => Assert.Equal(DeliveryStatus.Transient, r.Status));
        Assert.All(results, r => Assert.False(r.IsPeerReply));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SendAsync_BdatChunkRejected_ChunkReplyDecides(bool pipelining)
    {
        await using var server = new FakeSmtpServer(async s =>
        {
            await s.ReplyAsync("220 x ESMTP");
            while (await s.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("BDAT", StringComparison.Ordinal))
                {
                    await s.ReadBytesAsync(int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
                    await s.ReplyAsync(line.EndsWith("LAST", StringComparison.Ordinal) ? "554 5.6.0 rejected after earlier chunk" : "552 5.3.4 too big");
                    continue;
                }

                await s.ReplyAsync(line.StartsWith("EHLO", StringComparison.Ordinal)
                    ? (pipelining ? "250-x\r\n250-PIPELINING\r\n250 CHUNKING" : "250-x\r\n250 CHUNKING")
                    : "250 2.0.0 ok");
            }
        });
        await using var connection = await ConnectAsync(server, Options with { ChunkSize = 512 });

        var results = await connection.SendAsync(new SmtpClientEnvelope("s@example.test", "a@example.test"), new BytesContent(new byte[2000]));

        var result = Assert.Single(results);
        Assert.Equal(DeliveryStatus.Permanent, result.Status);
        Assert.Equal("too big", result.Reply.Text);
        Assert.True(connection.IsUsable);
        Assert.False(connection.InTransaction);
        if (!pipelining)
        {
            Assert.Single(server.Commands, c => c.StartsWith("BDAT", StringComparison.Ordinal));
            Assert.Contains("RSET", server.Commands);
        }
    }

    private static async Task<T> AdvanceUntilDoneAsync<T>(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, Task<T> pending)
    {
        while (!pending.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            await Task.WhenAny(pending, Task.Delay(20));
        }

        return await pending;
    }
}
