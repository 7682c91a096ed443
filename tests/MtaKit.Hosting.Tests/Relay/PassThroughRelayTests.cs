using System.Text;
using MailKit.Net.Smtp;
using MimeKit;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Relay;

/// <summary>Client -> relay host -> Mailstore hosts, all real SMTP on loopback.</summary>
public sealed class PassThroughRelayTests
{
    private static string Message(string subject, string extraHeaders = "")
        => $"From: alice@sender.test\r\nTo: bob@example.test\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@sender.test>\r\n{extraHeaders}\r\n"
            + "body line\r\n.leading dot\r\n\r\nlast line\r\n";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Client_ThroughRelay_StoredBytesIdenticalApartFromTraceHeaders(bool mailKit)
    {
        using var dir = new TempDirectory();
        var store = await RelayHosts.StartMailstoreAsync(dir.Path);
        var relay = await RelayHosts.StartRelayAsync(store.Hop());
        try
        {
            byte[] original;
            if (mailKit)
            {
                var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Message("mailkit", "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n") + "\u00e9t\u00e9 8bit\r\n")));
                using var client = new SmtpClient();
                var ep = relay.EndPoint();
                await client.ConnectAsync(ep.Address.ToString(), ep.Port, MailKit.Security.SecureSocketOptions.None);
                await client.SendAsync(message, MailboxAddress.Parse("alice@sender.test"), [MailboxAddress.Parse("bob@example.test")]);
                await client.DisconnectAsync(true);
                using var sent = new MemoryStream();
                var format = FormatOptions.Default.Clone();
                format.NewLineFormat = NewLineFormat.Dos;
                await message.WriteToAsync(format, sent); // what MailKit put on the wire
                original = sent.ToArray();
            }
            else
            {
                var text = Message("raw") + "\u00e9t\u00e9 8bit\r\n";
                var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["bob@example.test"], text);
                Assert.True(t.Accepted, t.Data);
                original = Encoding.UTF8.GetBytes(text);
            }

            var file = Assert.Single(RelayHosts.Delivered(dir.Path));
            var stored = await File.ReadAllBytesAsync(file);
            Assert.True(stored.AsSpan().EndsWith(original), "the stored message must end with the original bytes:\n" + Encoding.UTF8.GetString(stored));
            var prefix = Encoding.UTF8.GetString(stored, 0, stored.Length - original.Length);
            var fields = prefix.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Where(l => l[0] is not (' ' or '\t')).ToList();
            Assert.Equal(2, fields.Count); // the relay's Received and the Mailstore's Received, nothing else
            Assert.All(fields, f => Assert.StartsWith("Received:", f, StringComparison.Ordinal));
            Assert.Contains("by relay.test", prefix, StringComparison.Ordinal);
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, store);
        }
    }

    [Fact]
    public async Task Rcpt_UnknownUserAtMailstore_DownstreamRefusalPassesThrough()
    {
        using var dir = new TempDirectory();
        var store = await RelayHosts.StartMailstoreAsync(dir.Path, ["bob@example.test"]);
        var relay = await RelayHosts.StartRelayAsync(store.Hop());
        try
        {
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["nobody@example.test", "bob@example.test"], Message("unknown"));
            Assert.StartsWith("550 5.1.1", t.Rcpts[0], StringComparison.Ordinal);
            Assert.StartsWith("250", t.Rcpts[1], StringComparison.Ordinal);
            Assert.True(t.Accepted, t.Data);
            Assert.Single(RelayHosts.Delivered(dir.Path));
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, store);
        }
    }

    [Fact]
    public async Task Rcpt_OtherDomain_RelayingDeniedByRelayControl()
    {
        using var dir = new TempDirectory();
        var store = await RelayHosts.StartMailstoreAsync(dir.Path);
        var relay = await RelayHosts.StartRelayAsync(store.Hop());
        try
        {
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["x@elsewhere.test"], Message("denied"));
            Assert.StartsWith("550 5.7.1", t.Rcpts[0], StringComparison.Ordinal);
            Assert.Empty(RelayHosts.Delivered(dir.Path));
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, store);
        }
    }

    [Fact]
    public async Task Rcpt_RecipientOfAnotherDestination_452SplitAndFirstDelivered()
    {
        using var dir = new TempDirectory();
        var store = await RelayHosts.StartMailstoreAsync(dir.Path);
        var relay = await RelayHosts.StartRelayAsync(store.Hop(), extra: new()
        {
            ["MtaKit:Routing:Routes:1:Domains:0"] = "sender.test",
            ["MtaKit:Routing:Routes:1:NextHops:0:Address"] = RelayHosts.ClosedPort(),
        });
        try
        {
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["bob@example.test", "carol@sender.test"], Message("split"));
            Assert.StartsWith("250", t.Rcpts[0], StringComparison.Ordinal);
            Assert.StartsWith("452 4.5.3", t.Rcpts[1], StringComparison.Ordinal);
            Assert.True(t.Accepted, t.Data);
            var file = Assert.Single(RelayHosts.Delivered(dir.Path));
            Assert.Equal("bob@example.test", Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(file))));
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, store);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Rcpt_DefaultRoute_OnlyRelayNetworksMayUseIt(bool inRelayNetworks)
    {
        using var dir = new TempDirectory();
        var store = await RelayHosts.StartMailstoreAsync(dir.Path);
        var extra = new Dictionary<string, string?> { ["MtaKit:Routing:Routes:1:Domains:0"] = "*", ["MtaKit:Routing:Routes:1:NextHops:0:Address"] = store.Hop() };
        if (inRelayNetworks)
        {
            extra["MtaKit:Routing:RelayNetworks:0"] = "127.0.0.0/8";
        }

        var relay = await RelayHosts.StartRelayAsync(store.Hop(), extra: extra);
        try
        {
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["carol@sender.test"], Message("default route"));
            if (inRelayNetworks)
            {
                Assert.True(t.Accepted, t.Rcpts[0] + " / " + t.Data);
                Assert.Single(RelayHosts.Delivered(dir.Path));
            }
            else
            {
                Assert.StartsWith("550 5.7.1", t.Rcpts[0], StringComparison.Ordinal);
            }
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, store);
        }
    }

    [Fact]
    public async Task NextHopRefusesConnections_FallbackTakesTransaction()
    {
        using var dir = new TempDirectory();
        var fallback = await RelayHosts.StartMailstoreAsync(dir.Path);
        var relay = await RelayHosts.StartRelayAsync(RelayHosts.ClosedPort(), fallback.Hop());
        try
        {
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["bob@example.test"], Message("closed"));
            Assert.True(t.Accepted, t.Data);
            Assert.Single(RelayHosts.Delivered(dir.Path));
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, fallback);
        }
    }

    [Fact]
    public async Task NextHopRefusesConnections_NoFallback_ClientGets451AtRcpt()
    {
        var relay = await RelayHosts.StartRelayAsync(RelayHosts.ClosedPort());
        try
        {
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["bob@example.test"], Message("nowhere"));
            Assert.StartsWith("451 4.4.1", t.Rcpts[0], StringComparison.Ordinal);
            Assert.Null(t.Data);
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay);
        }
    }

    [Theory]
    [InlineData(FakeBehaviour.DeferMail)]
    [InlineData(FakeBehaviour.Hang)]
    public async Task NextHopDefersMailOrHangs_FallbackTakesTransaction(FakeBehaviour behaviour)
    {
        using var dir = new TempDirectory();
        await using var fake = new FakeDownstream(behaviour);
        var fallback = await RelayHosts.StartMailstoreAsync(dir.Path);
        var relay = await RelayHosts.StartRelayAsync(fake.Hop, fallback.Hop(), configure: RelayHosts.ShortTimeouts);
        try
        {
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["bob@example.test"], Message(behaviour.ToString()));
            Assert.True(t.Accepted, $"{t.Rcpts[0]} / {t.Data}");
            Assert.Single(RelayHosts.Delivered(dir.Path));
            Assert.True(fake.Sessions >= 1);
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, fallback);
        }
    }

    [Fact]
    public async Task NextHopHangs_NoFallback_ClientGets451AfterTimeout()
    {
        await using var fake = new FakeDownstream(FakeBehaviour.Hang);
        var relay = await RelayHosts.StartRelayAsync(fake.Hop, configure: RelayHosts.ShortTimeouts);
        try
        {
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["bob@example.test"], Message("hang"));
            Assert.StartsWith("451", t.Rcpts[0], StringComparison.Ordinal);
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay);
        }
    }

    [Fact]
    public async Task NextHopDefersRcpt_DownstreamTemporaryVerdictPassesThrough()
    {
        await using var fake = new FakeDownstream(FakeBehaviour.DeferRcpt);
        var relay = await RelayHosts.StartRelayAsync(fake.Hop);
        try
        {
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["bob@example.test"], Message("rcpt 4xx"));
            Assert.StartsWith("450 4.2.0", t.Rcpts[0], StringComparison.Ordinal);
            Assert.Null(t.Data);
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NextHopDiesMidData_NeverA250WithoutDownstream250(bool withFallback)
    {
        using var dir = new TempDirectory();
        await using var fake = new FakeDownstream(FakeBehaviour.DieAfter354);
        var fallback = withFallback ? await RelayHosts.StartMailstoreAsync(dir.Path) : null;
        var relay = await RelayHosts.StartRelayAsync(fake.Hop, fallback?.Hop());
        try
        {
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["bob@example.test"], Message("dies"));
            Assert.StartsWith("250", t.Rcpts[0], StringComparison.Ordinal);
            Assert.NotNull(t.Data);
            if (t.Accepted)
            {
                Assert.Single(RelayHosts.Delivered(dir.Path));
            }
            else
            {
                Assert.StartsWith("4", t.Data, StringComparison.Ordinal);
            }

            if (withFallback)
            {
                Assert.True(t.Accepted, "the fallback takes the message when the next hop dies mid-DATA: " + t.Data);
            }
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, fallback);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NextHopNeverAnswersEndOfData_FallbackOr4xx(bool budgetFirst)
    {
        using var dir = new TempDirectory();
        await using var fake = new FakeDownstream(FakeBehaviour.HangAfterData);
        var fallback = budgetFirst ? null : await RelayHosts.StartMailstoreAsync(dir.Path);

        // budgetFirst: the data budget (1 s) runs out before the client's end-of-data timeout (4 s).
        var relay = await RelayHosts.StartRelayAsync(fake.Hop, fallback?.Hop(), configure: o => budgetFirst ? RelayHosts.ShortTimeouts(o) with { DataBudget = TimeSpan.FromSeconds(1) } : RelayHosts.ShortTimeouts(o));
        try
        {
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["bob@example.test"], Message("no final reply"));
            Assert.NotNull(t.Data);
            if (budgetFirst)
            {
                Assert.StartsWith("4", t.Data, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(t.Accepted, t.Data);
                Assert.Single(RelayHosts.Delivered(dir.Path));
            }
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, fallback);
        }
    }

    [Fact]
    public async Task Data_30ReceivedHeaders_Relayed()
    {
        using var dir = new TempDirectory();
        var store = await RelayHosts.StartMailstoreAsync(dir.Path);
        var relay = await RelayHosts.StartRelayAsync(store.Hop());
        try
        {
            var received = string.Concat(Enumerable.Range(0, 30).Select(i => $"Received: from hop{i}.test by hop{i + 1}.test; Sun, 29 Nov 2026 10:00:00 +0000\r\n"));
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["bob@example.test"], received + Message("thirty hops"));
            Assert.True(t.Accepted, t.Data);
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, store);
        }
    }

    [Fact]
    public async Task Data_31ReceivedHeaders_554LoopDetected()
    {
        using var dir = new TempDirectory();
        var store = await RelayHosts.StartMailstoreAsync(dir.Path);
        var relay = await RelayHosts.StartRelayAsync(store.Hop());
        try
        {
            var received = string.Concat(Enumerable.Range(0, 31).Select(i => $"Received: from hop{i}.test by hop{i + 1}.test; Sun, 29 Nov 2026 10:00:00 +0000\r\n"));
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["bob@example.test"], received + Message("loop"));
            Assert.StartsWith("554 5.4.6", t.Data, StringComparison.Ordinal);
            Assert.Empty(RelayHosts.Delivered(dir.Path));
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, store);
        }
    }

    [Fact]
    public async Task PooledConnectionDroppedAtMail_NewConnectionTakesTransaction()
    {
        // No RSET health check before reuse: a pooled connection that dies at MAIL is replaced, the client never sees it.
        await using var fake = new FakeDownstream(FakeBehaviour.CloseAtSecondMail);
        var relay = await RelayHosts.StartRelayAsync(fake.Hop, configure: RelayHosts.ShortTimeouts);
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["bob@example.test"], Message("stale " + i));
                Assert.True(t.Accepted, $"{i}: {t.Rcpts[0]} / {t.Data}");
            }

            Assert.Equal(3, fake.Messages);
            Assert.Equal(3, fake.Sessions);
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay);
        }
    }

    [Fact]
    public async Task ManyMessages_FewerDownstreamSessionsThanMessages()
    {
        using var dir = new TempDirectory();
        var sessions = new SessionCounter();
        var store = await RelayHosts.StartMailstoreAsync(dir.Path, null, sessions);
        var relay = await RelayHosts.StartRelayAsync(store.Hop());
        try
        {
            const int Messages = 10;
            for (var i = 0; i < Messages; i++)
            {
                var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["bob@example.test"], Message("reuse " + i));
                Assert.True(t.Accepted, t.Data);
            }

            Assert.Equal(Messages, RelayHosts.Delivered(dir.Path).Length);
            Assert.InRange(sessions.Count, 1, 2);
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, store);
        }
    }
}
