using System.Collections.Concurrent;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

/// <summary>How stage verdicts reach the wire and the handler.</summary>
public sealed class StagePipelineTests
{
    private static async Task<RawSmtpClient> MailAsync(TestServer server)
    {
        var c = await Session.OpenAsync(server);
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        return c;
    }

    private static async Task<string> SendBodyAsync(RawSmtpClient c, string rcpt = "b@example.test")
    {
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync($"RCPT TO:<{rcpt}>"));
        Assert.StartsWith("354 ", await c.CommandAsync("DATA"));
        return await c.CommandAsync("Subject: t\r\n\r\nbody\r\n.");
    }

    [Fact]
    public async Task Stages_RunInOrderAndUnwindInReverse()
    {
        var order = new ConcurrentQueue<string>();
        TestStage Named(string name) => new()
        {
            Mail = async (context, next) =>
            {
                order.Enqueue(name + ">");
                var v = await next(context);
                order.Enqueue("<" + name);
                return v;
            },
        };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(Named("A"), Named("B"), Named("C")));
        await using var c = await MailAsync(server);
        Assert.Equal(["A>", "B>", "C>", "<C", "<B", "<A"], order);
    }

    [Fact]
    public async Task MailReject_MultiLine_FormattedOnWire()
    {
        var stage = new TestStage { Mail = (_, _) => new(SmtpVerdict.Reject(new SmtpReply(550, "5.7.1", "Sender refused", "see https://example.test/why"))) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await Session.OpenAsync(server);
        await c.SendAsync("MAIL FROM:<a@sender.test>");
        Assert.Equal(["550-5.7.1 Sender refused", "550 5.7.1 see https://example.test/why"], await c.ReadReplyAsync());
        Assert.Equal("503 5.5.1 Need MAIL command", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.Equal(0, server.Handler.OpenTransactions);
    }

    [Fact]
    public async Task AcceptWithReply_MultiLine250()
    {
        var stage = new TestStage { Mail = (_, _) => new(SmtpVerdict.Accept(new SmtpReply(250, "2.1.0", "Sender OK", "welcome back"))) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await Session.OpenAsync(server);
        await c.SendAsync("MAIL FROM:<a@sender.test>");
        Assert.Equal(["250-2.1.0 Sender OK", "250 2.1.0 welcome back"], await c.ReadReplyAsync());
        Assert.Equal(1, server.Handler.OpenTransactions);
    }

    [Fact]
    public async Task RcptRejectAndDefer_ExactReplies()
    {
        var stage = new TestStage
        {
            Rcpt = (context, next) => context.Recipient.LocalPart switch
            {
                "nobody" => new(SmtpVerdict.Reject(550, "5.1.1", "No such user")),
                "later" => new(SmtpVerdict.Defer(450, "4.2.0", "Mailbox busy")),
                _ => next(context),
            },
        };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await MailAsync(server);
        Assert.Equal("550 5.1.1 No such user", await c.CommandAsync("RCPT TO:<nobody@example.test>"));
        Assert.Equal("450 4.2.0 Mailbox busy", await c.CommandAsync("RCPT TO:<later@example.test>"));
        Assert.StartsWith("250 2.0.0 Ok", await SendBodyAsync(c));
        Assert.Equal(["b@example.test"], Assert.Single(server.Handler.Messages).Recipients);
    }

    [Fact]
    public async Task DataReject_NothingDelivered()
    {
        var stage = new TestStage { Data = (_, _) => new(SmtpVerdict.Reject(554, "5.7.1", "Spam detected")) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await MailAsync(server);
        Assert.Equal("554 5.7.1 Spam detected", await SendBodyAsync(c));
        Assert.Empty(server.Handler.Messages);
        Assert.True(await Session.EventuallyAsync(() => server.Handler.OpenTransactions == 0));
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
    }

    [Fact]
    public async Task Disconnect_AtMail_421ThenClose()
    {
        var stage = new TestStage { Mail = (_, _) => new(SmtpVerdict.Disconnect()) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("421 4.7.0 Closing connection", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public async Task Disconnect_AtRcpt_421ThenCloseAndTransactionDisposed()
    {
        var stage = new TestStage { Rcpt = (_, _) => new(SmtpVerdict.Disconnect("Go away", "4.7.1")) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await MailAsync(server);
        Assert.Equal("421 4.7.1 Go away", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.True(await c.IsClosedAsync());
        Assert.True(await Session.EventuallyAsync(() => server.Handler.OpenTransactions == 0));
    }

    [Fact]
    public async Task DiscardAtRcpt_250ButRecipientNotAdded()
    {
        var stage = new TestStage { Rcpt = (context, next) => context.Recipient.LocalPart == "trap" ? new(SmtpVerdict.Discard("spam trap")) : next(context) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await MailAsync(server);
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync("RCPT TO:<trap@example.test>"));
        Assert.StartsWith("250 2.0.0 Ok", await SendBodyAsync(c));
        Assert.Equal(["b@example.test"], Assert.Single(server.Handler.Messages).Recipients);
    }

    [Fact]
    public async Task DiscardAtRcpt_AllRecipients_MessageAcceptedAndDropped()
    {
        var stage = new TestStage { Rcpt = (_, _) => new(SmtpVerdict.Discard("spam trap")) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await MailAsync(server);
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync("RCPT TO:<trap@example.test>"));
        Assert.StartsWith("354 ", await c.CommandAsync("DATA"));
        Assert.StartsWith("250 2.0.0 Ok", await c.CommandAsync("body\r\n."));
        Assert.Empty(server.Handler.Messages);
        Assert.True(await Session.EventuallyAsync(() => server.Handler.OpenTransactions == 0));
    }

    [Fact]
    public async Task DiscardAtData_250AndNotDelivered()
    {
        var stage = new TestStage { Data = (_, _) => new(SmtpVerdict.Discard("blackhole")) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await MailAsync(server);
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await SendBodyAsync(c));
        Assert.Empty(server.Handler.Messages);
        Assert.True(await Session.EventuallyAsync(() => server.Handler.OpenTransactions == 0));
    }

    [Fact]
    public async Task QuarantineAtData_DeliveredMarked()
    {
        var stage = new TestStage { Data = (_, _) => new(SmtpVerdict.Quarantine("virus: Eicar")) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await MailAsync(server);
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await SendBodyAsync(c));
        Assert.Equal("virus: Eicar", Assert.Single(server.Handler.Messages).Quarantine);
    }

    [Fact]
    public async Task DataStageAddsHeader_DeliveredAfterReceived()
    {
        var stage = new TestStage
        {
            Data = (context, next) =>
            {
                context.AddHeader("X-Spam-Score", "1.5");
                Assert.Equal("t", context.Headers["Subject"]);
                return next(context);
            },
        };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await MailAsync(server);
        Assert.StartsWith("250 ", await SendBodyAsync(c));
        var m = Assert.Single(server.Handler.Messages);
        Assert.StartsWith("Received: ", m.Text, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Spam-Score: 1.5\r\nSubject: t\r\n\r\nbody\r\n", m.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataStageAcceptsWithoutNext_HandlerStillTakesMessage()
    {
        var stage = new TestStage { Data = (_, _) => new(SmtpVerdict.Accept()) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await MailAsync(server);
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await SendBodyAsync(c));
        Assert.Single(server.Handler.Messages); // a 250 is never given for a message nobody took
    }

    [Fact]
    public async Task DataStageAcceptsWithOwnReplyWithoutNext_DeliveredAndReplyKept()
    {
        var stage = new TestStage { Data = (_, _) => new(SmtpVerdict.Accept(new SmtpReply(250, "2.6.0", "Queued, thanks"))) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await MailAsync(server);
        Assert.Equal("250 2.6.0 Queued, thanks", await SendBodyAsync(c));
        Assert.Single(server.Handler.Messages);
    }

    [Fact]
    public async Task QuarantineAfterNext_DeliveredOnlyOnce()
    {
        var stage = new TestStage
        {
            Data = async (context, next) =>
            {
                var v = await next(context);
                return v.IsPositive ? SmtpVerdict.Quarantine("late verdict") : v;
            },
        };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await MailAsync(server);
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await SendBodyAsync(c));
        Assert.Single(server.Handler.Messages);
    }

    [Fact]
    public async Task DiscardAtRcpt_AllRecipientsThenBdat_AcceptedAndDropped()
    {
        var stage = new TestStage { Rcpt = (_, _) => new(SmtpVerdict.Discard("spam trap")) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await MailAsync(server);
        await c.SendRawAsync("RCPT TO:<trap@example.test>\r\nBDAT 3\r\nabcBDAT 2 LAST\r\nde");
        Assert.Equal("250 2.1.5 Recipient OK", await c.ReadLastLineAsync());
        Assert.Equal("250 2.0.0 3 bytes received", await c.ReadLastLineAsync());
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        Assert.Empty(server.Handler.Messages);
        Assert.True(await Session.EventuallyAsync(() => server.Handler.OpenTransactions == 0));
    }

    [Theory]
    [InlineData("mail")]
    [InlineData("rcpt")]
    [InlineData("data")]
    [InlineData("helo")]
    public async Task ThrowingStage_451AndSessionSurvives(string phase)
    {
        var stage = new TestStage
        {
            Helo = (context, next) => phase == "helo" ? throw new InvalidOperationException("bug") : next(context),
            Mail = (context, next) => phase == "mail" ? throw new InvalidOperationException("bug") : next(context),
            Rcpt = (context, next) => phase == "rcpt" ? throw new InvalidOperationException("bug") : next(context),
            Data = (context, next) => phase == "data" ? throw new InvalidOperationException("bug") : next(context),
        };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.ReadReplyAsync();
        await c.SendAsync("EHLO client.test");
        var expected = "451 4.3.0 Temporary local problem: try again later";
        var reply = await c.ReadLastLineAsync();
        if (phase == "helo")
        {
            Assert.Equal(expected, reply);
            Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("NOOP"));
            return;
        }

        reply = await c.CommandAsync("MAIL FROM:<a@sender.test>");
        if (phase == "mail")
        {
            Assert.Equal(expected, reply);
            Assert.Equal(0, server.Handler.OpenTransactions);
            Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("NOOP"));
            return;
        }

        reply = await c.CommandAsync("RCPT TO:<b@example.test>");
        if (phase == "rcpt")
        {
            Assert.Equal(expected, reply);
            Assert.Equal("503 5.5.1 No valid recipients", await c.CommandAsync("DATA"));
            return;
        }

        Assert.StartsWith("354 ", await c.CommandAsync("DATA"));
        Assert.Equal(expected, await c.CommandAsync("body\r\n."));
        Assert.Empty(server.Handler.Messages);
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
    }

    [Fact]
    public async Task StageAccept_CannotSkipRelayControl()
    {
        var stage = new TestStage { Rcpt = (_, _) => new(SmtpVerdict.Accept()) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await MailAsync(server);
        Assert.Equal("550 5.7.1 Relaying denied", await c.CommandAsync("RCPT TO:<x@foreign.test>"));
        Assert.Equal("550 5.7.1 Relaying denied", await c.CommandAsync("RCPT TO:<user%foreign.test@example.test>"));
        Assert.Equal("503 5.5.1 No valid recipients", await c.CommandAsync("DATA"));
    }

    [Fact]
    public async Task StageAcceptWithoutNext_HandlerStillSeesRecipient()
    {
        var handler = new CollectingHandler();
        var seen = new ConcurrentQueue<string>();
        handler.OnRecipient = context =>
        {
            seen.Enqueue(context.Recipient.Address);
            return context.Recipient.LocalPart == "unknown" ? SmtpVerdict.Reject(550, "5.1.1", "User unknown") : SmtpVerdict.Accept();
        };
        var stage = new TestStage { Rcpt = (_, _) => new(SmtpVerdict.Accept(new SmtpReply(250, "2.1.5", "Welcome"))) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage), handler: handler);
        await using var c = await MailAsync(server);
        Assert.Equal("250 2.1.5 Welcome", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.Equal("550 5.1.1 User unknown", await c.CommandAsync("RCPT TO:<unknown@example.test>"));
        Assert.Equal(["b@example.test", "unknown@example.test"], seen);
    }

    [Fact]
    public async Task AuthorizeRelay_ForeignDomainAccepted()
    {
        var stage = new TestStage
        {
            Rcpt = (context, next) =>
            {
                if (context.Recipient.AsciiDomain == "partner.test")
                {
                    context.AuthorizeRelay("partner route");
                }

                return next(context);
            },
        };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await MailAsync(server);
        Assert.Equal("550 5.7.1 Relaying denied", await c.CommandAsync("RCPT TO:<x@foreign.test>"));
        Assert.StartsWith("250 2.0.0 Ok", await SendBodyAsync(c, "x@Partner.Test"));
        Assert.Equal(["x@Partner.Test"], Assert.Single(server.Handler.Messages).Recipients);
    }

    [Fact]
    public async Task HeloReject_MidTransaction_TransactionKept()
    {
        var stage = new TestStage { Helo = (context, next) => context.HeloName == "localhost" ? new(SmtpVerdict.Reject(550, "5.7.1", "Bad HELO")) : next(context) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await MailAsync(server);
        Assert.Equal("550 5.7.1 Bad HELO", await c.CommandAsync("EHLO localhost"));
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.StartsWith("250 ", await c.CommandAsync("EHLO client.test"));
        Assert.Equal("503 5.5.1 Need MAIL command", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.True(await Session.EventuallyAsync(() => server.Handler.OpenTransactions == 0));
    }

    [Fact]
    public async Task HeloReject_ThenNoMail()
    {
        var stage = new TestStage { Helo = (context, next) => context.HeloName == "localhost" ? new(SmtpVerdict.Reject(550, "5.7.1", "Bad HELO")) : next(context) };
        await using var server = await TestServer.StartAsync(pipeline: TestStage.Pipeline(stage));
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.ReadReplyAsync();
        Assert.Equal("550 5.7.1 Bad HELO", await c.CommandAsync("EHLO localhost"));
        Assert.Equal("503 5.5.1 Send HELO/EHLO first", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
    }
}
