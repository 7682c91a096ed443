using Microsoft.Extensions.Time.Testing;

namespace MtaKit.Core.Tests.Client;

public sealed class SmtpClientPoolTests
{
    private static readonly SmtpClientOptions Options = new() { HeloName = "relay.example.test", TlsMode = SmtpClientTlsMode.None };

    private static SmtpClientEnvelope Envelope(int i) => new("s@example.test", $"r{i}@example.test");

    [Fact]
    public async Task SendAsync_SequentialMessages_ReuseConnectionsUpToMessageLimit()
    {
        var esmtp = new FakeEsmtp();
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var pool = new SmtpClientPool(Options, new SmtpClientPoolOptions { MaxMessagesPerConnection = 3, ResetBeforeReuse = true });

        for (var i = 0; i < 7; i++)
        {
            var results = await pool.SendAsync(server.Endpoint, Envelope(i), new BytesContent($"m{i}\r\n"));
            Assert.Equal(DeliveryStatus.Accepted, Assert.Single(results).Status);
        }

        Assert.Equal(7, esmtp.Messages.Count);
        Assert.Equal(3, server.Sessions); // 3 + 3 + 1
        Assert.Equal(1, pool.IdleConnections);
        Assert.Equal(4, server.Commands.Count(c => c == "RSET")); // before each reuse
    }

    [Fact]
    public async Task SendAsync_DefaultOptions_ReuseWithoutRset()
    {
        var esmtp = new FakeEsmtp();
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var pool = new SmtpClientPool(Options);

        for (var i = 0; i < 5; i++)
        {
            var results = await pool.SendAsync(server.Endpoint, Envelope(i), new BytesContent($"m{i}\r\n"));
            Assert.Equal(DeliveryStatus.Accepted, Assert.Single(results).Status);
        }

        Assert.Equal(5, esmtp.Messages.Count);
        Assert.Equal(1, server.Sessions);
        Assert.DoesNotContain("RSET", server.Commands);
    }

    [Fact]
    public async Task SendAsync_Concurrent_BoundedPerEndpoint()
    {
        var current = 0;
        var peak = 0;
        var esmtp = new FakeEsmtp();
        await using var server = new FakeSmtpServer(async s =>
        {
            var now = Interlocked.Increment(ref current);
            InterlockedMax(ref peak, now);
            try
            {
                await esmtp.RunAsync(s);
            }
            finally
            {
                Interlocked.Decrement(ref current);
            }
        });
        await using var pool = new SmtpClientPool(Options, new SmtpClientPoolOptions { MaxConnectionsPerEndpoint = 2 });

        var sends = Enumerable.Range(0, 20).Select(i => pool.SendAsync(server.Endpoint, Envelope(i), new BytesContent($"m{i}\r\n")).AsTask());
        var all = await Task.WhenAll(sends);

        Assert.All(all, r => Assert.Equal(DeliveryStatus.Accepted, Assert.Single(r).Status));
        Assert.Equal(20, esmtp.Messages.Count);
        Assert.InRange(server.Sessions, 1, 2);
        Assert.InRange(peak, 1, 2);
    }

    [Fact]
    public async Task RentAsync_PeerClosedIdleConnection_OpensANewOne()
    {
        var esmtp = new FakeEsmtp();
        var sessions = new List<FakeSmtpSession>();
        await using var server = new FakeSmtpServer(s =>
        {
            lock (sessions)
            {
                sessions.Add(s);
            }

            return esmtp.RunAsync(s);
        });
        await using var pool = new SmtpClientPool(Options);
        await pool.SendAsync(server.Endpoint, Envelope(0), new BytesContent("a\r\n"));
        lock (sessions)
        {
            sessions[0].Abort();
        }

        // Whether the FIN has arrived (socket check) or not (RSET fails), the pool must not hand out the dead connection.
        var results = await pool.SendAsync(server.Endpoint, Envelope(1), new BytesContent("b\r\n"));

        Assert.Equal(DeliveryStatus.Accepted, Assert.Single(results).Status);
        Assert.Equal(2, server.Sessions);
    }

    [Fact]
    public async Task RentAsync_IdleLongerThanTimeout_ClosedAndReplaced()
    {
        var time = new FakeTimeProvider();
        var esmtp = new FakeEsmtp();
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var pool = new SmtpClientPool(Options with { TimeProvider = time }, new SmtpClientPoolOptions { IdleTimeout = TimeSpan.FromSeconds(30) });

        await pool.SendAsync(server.Endpoint, Envelope(0), new BytesContent("a\r\n"));
        time.Advance(TimeSpan.FromSeconds(10));
        await pool.SendAsync(server.Endpoint, Envelope(1), new BytesContent("b\r\n"));
        Assert.Equal(1, server.Sessions);

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(0, pool.IdleConnections); // the sweeper closed it
        await pool.SendAsync(server.Endpoint, Envelope(2), new BytesContent("c\r\n"));
        Assert.Equal(2, server.Sessions);
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_EveryRecipientTransientAtConnect()
    {
        await using var pool = new SmtpClientPool(Options);
        var endpoint = SmtpClientEndpoint.Tcp(System.Net.IPAddress.Loopback, MtaKit.Testing.FreePort.Next());

        var results = await pool.SendAsync(endpoint, new SmtpClientEnvelope("s@example.test", "a@example.test", "b@example.test"), new BytesContent("x\r\n"));

        Assert.All(results, r =>
        {
            Assert.Equal(DeliveryStatus.Transient, r.Status);
            Assert.Equal(DeliveryPhase.Connect, r.Phase);
            Assert.False(r.IsPeerReply);
        });
        Assert.Equal(0, pool.IdleConnections);
    }

    [Fact]
    public async Task Lease_ReturnedInsideTransaction_ResetBeforePooling()
    {
        var esmtp = new FakeEsmtp();
        await using var server = new FakeSmtpServer(esmtp.RunAsync);
        await using var pool = new SmtpClientPool(Options, new SmtpClientPoolOptions { ResetBeforeReuse = false });

        await using (var lease = await pool.RentAsync(server.Endpoint))
        {
            Assert.True(lease.Succeeded);
            Assert.False(lease.IsReused);
            await lease.Connection.MailAsync("s@example.test");
        }

        await using (var lease = await pool.RentAsync(server.Endpoint))
        {
            Assert.True(lease.IsReused);
            Assert.False(lease.Connection!.InTransaction);
            Assert.Equal(250, (await lease.Connection.MailAsync("s@example.test")).Code);
        }

        Assert.Equal(1, server.Sessions);
        Assert.Contains("RSET", server.Commands);
    }

    [Fact]
    public async Task SendAsync_ReusedConnectionDiesAtMail_RetriedOnceOnANewConnection()
    {
        var esmtp = new FakeEsmtp();
        await using var server = new FakeSmtpServer(async s =>
        {
            // Passes the RSET health check, then drops the connection at its second MAIL.
            await s.ReplyAsync("220 x ESMTP");
            var mails = 0;
            while (await s.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("MAIL", StringComparison.Ordinal) && ++mails == 2)
                {
                    s.Abort();
                    return;
                }

                if (line == "DATA")
                {
                    await s.ReplyAsync("354 go");
                    await s.ReadDataAsync();
                    await s.ReplyAsync("250 2.0.0 Ok: queued as Q" + mails);
                    continue;
                }

                await s.ReplyAsync(line.StartsWith("EHLO", StringComparison.Ordinal) ? "250 x" : "250 2.0.0 ok");
            }
        });
        await using var pool = new SmtpClientPool(Options);

        Assert.Equal("Q1", Assert.Single(await pool.SendAsync(server.Endpoint, Envelope(0), new BytesContent("a\r\n"))).QueueId);
        var second = Assert.Single(await pool.SendAsync(server.Endpoint, Envelope(1), new BytesContent("b\r\n")));

        Assert.Equal(DeliveryStatus.Accepted, second.Status);
        Assert.Equal(2, server.Sessions);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
