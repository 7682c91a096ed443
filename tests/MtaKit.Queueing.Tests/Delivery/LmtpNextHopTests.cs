using System.Text;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using MtaKit.Routing;
using MtaKit.Testing;

namespace MtaKit.Queueing.Tests.Delivery;

/// <summary>
/// LMTP next hops of a tier (<c>lmtp:host:port</c>, <c>lmtp:unix:/path</c>) against the real Dovecot LMTP
/// server of tests/services/start-dovecot-lmtp.sh: one reply per recipient after DATA, each recorded.
/// </summary>
public sealed class LmtpNextHopTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    private static async Task<QueueRunner> StartRunnerAsync(TempDirectory dir, string nextHop)
    {
        var routes = new RouteTable(new RoutingOptions
        {
            Routes = [new Route { Domains = [DomainPattern.Parse("example.test"), DomainPattern.Parse("tempfail.test")], NextHops = [NextHop.Parse(nextHop)] }],
        });
        var runner = new QueueRunner(
            QueueTier.Create(new TierOptions { Name = "tier1", Window = TimeSpan.FromHours(6), Retry = "F,2d,30m" }),
            new FileMessageSpool(new FileMessageSpoolOptions { Path = Path.Combine(dir.Path, "spool") }),
            routes,
            new QueueRunnerOptions { HostName = "tier1.test", IoTimeProvider = TimeProvider.System },
            timeProvider: new FakeTimeProvider(Start));
        await runner.StartAsync();
        return runner;
    }

    private static async Task<QueueId> QueueAsync(QueueRunner runner, string sender, params string[] recipients)
    {
        var entry = new SpoolEntry
        {
            Id = QueueId.NewId(TimeProvider.System, Random.Shared),
            Envelope = new SpoolEnvelope { ReversePath = sender, Recipients = [.. recipients.Select(r => new SpoolRecipient { Address = r })] },
            OriginalArrival = Start,
            TierArrival = Start,
            NextAttempt = Start,
        };
        var body = Encoding.ASCII.GetBytes($"From: <{sender}>\r\nSubject: lmtp from a tier\r\nMessage-ID: <{entry.Id}@tier1.test>\r\n\r\nhello\r\n");
        await runner.Spool.StoreAsync(entry, MessageContent.FromBytes(body));
        runner.Enqueue(entry);
        return entry.Id;
    }

    private static string[] Mailbox(string maildir, string local)
    {
        var dir = Path.Combine(maildir, "example.test", local, "new");
        return Directory.Exists(dir) ? Directory.GetFiles(dir) : [];
    }

    [SkippableFact]
    public async Task LmtpTcpNextHop_MixedRecipients_EachRecipientGetsItsOwnOutcome()
    {
        var lmtp = ServiceEnvironment.Require("LMTP");
        var maildir = ServiceEnvironment.RequireValue("LMTP_MAILDIR");
        using var dir = new TempDirectory();
        await using var runner = await StartRunnerAsync(dir, $"lmtp:{lmtp.Address}:{lmtp.Port}");
        var local = "tier" + Guid.NewGuid().ToString("N")[..12];
        var sender = "snd" + Guid.NewGuid().ToString("N")[..12];

        var id = await QueueAsync(runner, $"{sender}@example.test", $"{local}@example.test", "full@example.test", "tempfull@example.test", "x@tempfail.test");

        // The message stays (two recipients to retry); the failure DSN for full@ goes back by LMTP too.
        await TierNetwork.WaitUntilAsync(() => runner.List().Any(e => e.Id == id && e.Attempts == 1) && Mailbox(maildir, sender).Length == 1, "the attempt and the DSN");
        var recipients = Assert.Single(runner.List(), e => e.Id == id).Envelope.Recipients;
        Assert.Equal([RecipientState.Delivered, RecipientState.Failed, RecipientState.Pending, RecipientState.Pending], recipients.Select(r => r.State));
        Assert.Equal(250, recipients[0].LastReply!.Code);
        Assert.False(string.IsNullOrEmpty(recipients[0].PeerQueueId));
        Assert.Contains($"{recipients[0].PeerQueueId} Saved", recipients[0].LastReply!.Text, StringComparison.Ordinal); // Dovecot's "<rcpt> <id> Saved"
        Assert.Equal(new EnhancedStatusCode(5, 2, 2), recipients[1].LastReply!.EnhancedCode);
        Assert.Equal(new EnhancedStatusCode(4, 2, 2), recipients[2].LastReply!.EnhancedCode);
        Assert.Equal(new EnhancedStatusCode(4, 3, 0), recipients[3].LastReply!.EnhancedCode);
        Assert.All(recipients.Skip(1), r => Assert.Null(r.PeerQueueId));

        var delivered = await File.ReadAllTextAsync(Assert.Single(Mailbox(maildir, local)));
        Assert.Contains("Subject: lmtp from a tier", delivered, StringComparison.Ordinal);
        var dsn = await MimeMessage.LoadAsync(Assert.Single(Mailbox(maildir, sender)));
        var status = Assert.IsType<MultipartReport>(dsn.Body).OfType<MessageDeliveryStatus>().Single();
        var perRecipient = Assert.Single(status.StatusGroups.Where(g => g.Count > 0).Skip(1));
        Assert.Equal("rfc822; full@example.test", perRecipient["Final-Recipient"]);
        Assert.Equal("failed", perRecipient["Action"]);
        Assert.Equal("5.2.2", perRecipient["Status"]);

        Directory.Delete(Path.Combine(maildir, "example.test", local), recursive: true);
        Directory.Delete(Path.Combine(maildir, "example.test", sender), recursive: true);
    }

    [SkippableFact]
    public async Task LmtpUnixNextHop_DeliversThroughTheSocket_RecordsPeerQueueIdInTheSpool()
    {
        var lmtp = ServiceEnvironment.Require("LMTP");
        var maildir = ServiceEnvironment.RequireValue("LMTP_MAILDIR");
        using var dir = new TempDirectory();
        await using var socket = new UnixSocketForwarder(Path.Combine(dir.Path, "lmtp.sock"), lmtp);
        await using var runner = await StartRunnerAsync(dir, "lmtp:unix:" + socket.Path);
        var local = "unix" + Guid.NewGuid().ToString("N")[..12];

        var id = await QueueAsync(runner, "sender@example.test", $"{local}@example.test", "x@tempfail.test");

        await TierNetwork.WaitUntilAsync(() => runner.List().Any(e => e.Id == id && e.Attempts == 1), "the attempt");
        var recipients = Assert.Single(runner.List(), e => e.Id == id).Envelope.Recipients;
        Assert.Equal([RecipientState.Delivered, RecipientState.Pending], recipients.Select(r => r.State));
        Assert.False(string.IsNullOrEmpty(recipients[0].PeerQueueId));
        Assert.Equal(recipients[0].PeerQueueId, Assert.Single(TierNetwork.ReadSpoolAt(Path.Combine(dir.Path, "spool"))).Envelope.Recipients[0].PeerQueueId); // written to the spool
        Assert.Single(Mailbox(maildir, local));
        Assert.True(socket.Connections >= 1);
        Directory.Delete(Path.Combine(maildir, "example.test", local), recursive: true);
    }
}
