using System.Text;
using Microsoft.Extensions.Time.Testing;
using MtaKit.Core.Tests.Server;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Submission;

/// <summary>Sender binding, the recipient cap and the added Date/Message-ID on the wire.</summary>
public sealed class SubmissionStagesTests
{
    private static readonly SenderBindingOptions Grants = new()
    {
        Senders = new Dictionary<string, IReadOnlyList<string>>
        {
            ["alice@example.test"] = ["@corp.test", "team@example.test"],
        },
        MaxRecipientsPerMessage = 2,
    };

    private static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + user + "\0" + password));

    private static Task<TestServer> StartAsync(params object[] stages)
    {
        var pipeline = new SmtpPipelineBuilder();
        foreach (var stage in stages)
        {
            pipeline.Use(stage);
        }

        return TestServer.StartAsync(l => l with { RequireTlsForAuth = false, RequireAuth = true }, pipeline: pipeline.Build(), authenticator: new TestAuthenticator("alice@example.test", "secret"));
    }

    private static async Task<RawSmtpClient> LoginAsync(TestServer server)
    {
        var c = await Session.OpenAsync(server);
        Assert.Equal("235 2.7.0 Authentication successful", await c.CommandAsync("AUTH PLAIN " + Plain("alice@example.test", "secret")));
        return c;
    }

    [Fact]
    public async Task Mail_Unauthenticated_530()
    {
        await using var server = await StartAsync(new SenderBindingStage(Grants));
        await using var c = await Session.OpenAsync(server);

        Assert.Equal("530 5.7.0 Authentication required", await c.CommandAsync("MAIL FROM:<alice@example.test>"));
    }

    [Theory]
    [InlineData("alice@example.test", "250 2.1.0 Sender OK")]
    [InlineData("ALICE@Example.Test", "250 2.1.0 Sender OK")]
    [InlineData("anyone@corp.test", "250 2.1.0 Sender OK")]
    [InlineData("team@example.test", "250 2.1.0 Sender OK")]
    [InlineData("bob@example.test", "553 5.7.1 Sender address <bob@example.test> not allowed for authenticated user")]
    [InlineData("x@sub.corp.test", "553 5.7.1 Sender address <x@sub.corp.test> not allowed for authenticated user")]
    [InlineData("", "553 5.7.1 Sender address <> not allowed for authenticated user")]
    public async Task Mail_Authenticated_OnlyGrantedSenders(string sender, string expected)
    {
        await using var server = await StartAsync(new SenderBindingStage(Grants));
        await using var c = await LoginAsync(server);

        Assert.Equal(expected, await c.CommandAsync($"MAIL FROM:<{sender}>"));
    }

    [Theory]
    [InlineData("From: Alice <alice@example.test>", "250")]
    [InlineData("From: Sales <sales@corp.test>", "250")]
    [InlineData("From: Boss <boss@example.test>", "553 5.7.1 From address <boss@example.test> not allowed for authenticated user")]
    [InlineData("From: alice@example.test, boss@example.test", "553 5.7.1 From address <boss@example.test> not allowed for authenticated user")]
    [InlineData("Subject: no from", "550 5.6.0 Message has no valid From header")]
    public async Task Data_FromHeaderOutsideGrant_553(string fromLine, string expected)
    {
        await using var server = await StartAsync(new SenderBindingStage(Grants));
        await using var c = await LoginAsync(server);
        Assert.StartsWith("250", await c.CommandAsync("MAIL FROM:<alice@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await c.CommandAsync("RCPT TO:<bob@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await c.CommandAsync("DATA"), StringComparison.Ordinal);

        var reply = await c.CommandAsync(fromLine + "\r\nTo: bob@example.test\r\n\r\nhello\r\n.");

        Assert.StartsWith(expected, reply, StringComparison.Ordinal);
        Assert.Equal(expected == "250" ? 1 : 0, server.Handler.Messages.Count);
    }

    [Fact]
    public async Task Rcpt_BeyondCap_550()
    {
        await using var server = await StartAsync(new SenderBindingStage(Grants));
        await using var c = await LoginAsync(server);
        Assert.StartsWith("250", await c.CommandAsync("MAIL FROM:<alice@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await c.CommandAsync("RCPT TO:<a@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await c.CommandAsync("RCPT TO:<b@example.test>"), StringComparison.Ordinal);

        Assert.Equal("550 5.5.3 Too many recipients: at most 2 per message", await c.CommandAsync("RCPT TO:<c@example.test>"));
    }

    [Fact]
    public void Constructor_BadGrant_ThrowsNamingTheKey()
    {
        var options = new SenderBindingOptions { Senders = new Dictionary<string, IReadOnlyList<string>> { ["bob"] = ["@", "not an address"] } };

        var e = Assert.Throws<ArgumentException>(() => new SenderBindingStage(options));

        Assert.Contains("MtaKit:Auth:Senders:bob:0", e.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Auth:Senders:bob:1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaySendAs_UserNameNotAnAddress_OnlyGrants()
    {
        var sut = new SenderBindingStage(new SenderBindingOptions { Senders = new Dictionary<string, IReadOnlyList<string>> { ["ops"] = ["@ops.test"] } });

        Assert.True(sut.MaySendAs("OPS", "cron@ops.test"));
        Assert.False(sut.MaySendAs("ops", "ops"));
        Assert.False(sut.MaySendAs("ops", "cron@example.test"));
        Assert.True(sut.MaySendAs("carol@ops2.test", "Carol@ops2.test"));
        Assert.False(new SenderBindingStage(new SenderBindingOptions { AllowOwnAddress = false }).MaySendAs("carol@ops2.test", "carol@ops2.test"));
    }

    [Fact]
    public async Task Data_NoDateNoMessageId_BothAdded()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        await using var server = await StartAsync(new SubmissionHeadersStage(time, new Random(42)));
        await using var c = await LoginAsync(server);
        Assert.StartsWith("250", await c.CommandAsync("MAIL FROM:<alice@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await c.CommandAsync("RCPT TO:<bob@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await c.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250", await c.CommandAsync("From: alice@example.test\r\nSubject: hi\r\n\r\nbody\r\n."), StringComparison.Ordinal);

        var text = Assert.Single(server.Handler.Messages).Text;
        Assert.Contains("\r\nDate: Wed, 04 Mar 2026 05:06:07 +0000\r\n", text, StringComparison.Ordinal);
        Assert.Matches(@"\r\nMessage-ID: <[0-9a-f]+\.[0-9a-f]{20}@mx\.test>\r\n", text);
        var message = MimeKit.MimeMessage.Load(new MemoryStream(Assert.Single(server.Handler.Messages).Bytes));
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero), message.Date);
        Assert.EndsWith("@mx.test", message.MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_DateAndMessageIdPresent_NothingAdded()
    {
        await using var server = await StartAsync(new SubmissionHeadersStage());
        await using var c = await LoginAsync(server);
        Assert.StartsWith("250", await c.CommandAsync("MAIL FROM:<alice@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await c.CommandAsync("RCPT TO:<bob@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await c.CommandAsync("DATA"), StringComparison.Ordinal);
        const string Original = "From: alice@example.test\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\nMessage-Id: <x@y>\r\n\r\nbody\r\n";
        Assert.StartsWith("250", await c.CommandAsync(Original + "."), StringComparison.Ordinal);

        Assert.Equal(Original, Assert.Single(server.Handler.Messages).Original);
    }
}
