using System.Net;
using Microsoft.Extensions.Time.Testing;
using MtaKit.Handlers.Maildir;
using MtaKit.Routing;
using MtaKit.Server;
using MtaKit.Testing;

namespace MtaKit.Queueing.Tests.Delivery;

/// <summary>Two real fallback tiers and a Mailstore on loopback, all on one fake clock.</summary>
internal sealed class TierNetwork : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _disposables = [];

    private TierNetwork(TempDirectory dir, FakeTimeProvider time)
    {
        Dir = dir;
        Time = time;
    }

    public TempDirectory Dir { get; }

    public FakeTimeProvider Time { get; }

    public QueueRunner Tier1 { get; private set; } = null!;

    public QueueRunner Tier2 { get; private set; } = null!;

    public IPEndPoint Tier1EndPoint { get; private set; } = null!;

    public int DestinationPort { get; private set; }

    public SmtpServer? Destination { get; private set; }

    public string MaildirRoot => Path.Combine(Dir.Path, "maildirs");

    public static async Task<TierNetwork> StartAsync(TierNetworkSettings? settings = null)
    {
        settings ??= new TierNetworkSettings();
        var net = new TierNetwork(new TempDirectory(), new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero)));
        net.DestinationPort = FreePort.Next();
        var routes = new RouteTable(new RoutingOptions
        {
            Routes =
            [
                new Route { Domains = [DomainPattern.Parse("example.test")], NextHops = [NextHop.Parse($"127.0.0.1:{net.DestinationPort}")] },
                new Route { Domains = [DomainPattern.Parse("down.test")], NextHops = [NextHop.Parse($"127.0.0.1:{FreePort.Next()}")] },
            ],
        });
        var (tier2, ep2) = await net.StartTierAsync("tier2", TimeSpan.FromHours(22), null, routes, settings, null);
        var (tier1, ep1) = await net.StartTierAsync("tier1", TimeSpan.FromHours(6), ep2, routes, settings, settings.Tier1Pipeline);
        net.Tier1 = tier1;
        net.Tier2 = tier2;
        net.Tier1EndPoint = ep1;
        return net;
    }

    private async Task<(QueueRunner Runner, IPEndPoint EndPoint)> StartTierAsync(string name, TimeSpan window, IPEndPoint? next, RouteTable routes, TierNetworkSettings settings, SmtpPipeline? pipeline)
    {
        var tierOptions = new TierOptions { Name = name, Window = window, Retry = "F,2d,30m", DelayWarning = settings.DelayWarning };
        if (next is not null)
        {
            tierOptions.NextTier.Add($"{next.Address}:{next.Port}");
        }

        var spool = new FileMessageSpool(new FileMessageSpoolOptions { Path = Path.Combine(Dir.Path, name) });
        var runner = new QueueRunner(QueueTier.Create(tierOptions), spool, routes, new QueueRunnerOptions { HostName = name + ".test", IoTimeProvider = TimeProvider.System, SuppressDsnForUnvalidatedSenders = settings.SuppressDsnForUnvalidatedSenders }, timeProvider: Time, logger: name == "tier1" ? settings.Tier1Logger : null);
        var server = new SmtpServer(
            new SmtpServerOptions
            {
                ServerName = name + ".test",
                Listeners =
                [
                    new SmtpListenerOptions
                    {
                        Name = "smtp",
                        EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
                        ExtraMailParameters = [TierHandOffParameter.Name],
                        ExtraMailParametersFrom = [IPNetwork.Parse("127.0.0.0/8")],
                        Extensions = SmtpExtensions.Default | SmtpExtensions.Dsn,
                        RequireTlsForAuth = false,
                    },
                ],
            },
            new SpoolingMessageHandler(spool, runner, Time),
            pipeline,
            authenticator: name == "tier1" ? settings.Tier1Authenticator : null,
            relayControl: new RelayControl(new RelayControlOptions { RelayNetworks = [IPNetwork.Parse("127.0.0.0/8")] }));
        await runner.StartAsync();
        await server.StartAsync();
        _disposables.Add(server);
        _disposables.Add(runner);
        return (runner, server.GetEndPoint("smtp"));
    }

    /// <summary>Sends one message into tier 1 over SMTP; returns the 250 reply to DATA.</summary>
    public async Task<string> SendAsync(string recipient, string sender = "sender@example.test", string? mailParameters = null, string? rcptParameters = null, (string User, string Password)? auth = null)
    {
        await using var c = await RawSmtpClient.ConnectAsync(Tier1EndPoint);
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO relay.test");
        if (auth is { } credentials)
        {
            var plain = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\0{credentials.User}\0{credentials.Password}"));
            Assert.StartsWith("235 ", await c.CommandAsync("AUTH PLAIN " + plain));
        }

        Assert.StartsWith("250 ", await c.CommandAsync($"MAIL FROM:<{sender}>{mailParameters}"));
        Assert.StartsWith("250 ", await c.CommandAsync($"RCPT TO:<{recipient}>{rcptParameters}"));
        await c.CommandAsync("DATA");
        await c.SendRawAsync($"From: <{sender}>\r\nSubject: tier test\r\nMessage-ID: <{Guid.NewGuid():N}@example.test>\r\n\r\nhello\r\n.\r\n");
        var reply = await c.ReadLastLineAsync();
        Assert.StartsWith("250 2.0.0 Ok: queued as", reply);
        await c.CommandAsync("QUIT");
        return reply;
    }

    /// <summary>The messages delivered to a mailbox of the destination Mailstore.</summary>
    public string[] Delivered(string mailbox)
    {
        var dir = Path.Combine(MaildirRoot, mailbox, "new");
        return Directory.Exists(dir) ? Directory.GetFiles(dir) : [];
    }

    /// <summary>Reads every envelope file in a tier's spool from disk (what a restart would recover).</summary>
    public SpoolEntry[] ReadSpool(string tier) => ReadSpoolAt(Path.Combine(Dir.Path, tier));

    /// <summary>
    /// Reads every entry's current envelope in the spool at <paramref name="spoolPath"/> from disk: envelope
    /// files (formats 1 and 2), and queue files (format 3) with the update beside them when there is one.
    /// </summary>
    public static SpoolEntry[] ReadSpoolAt(string spoolPath)
    {
        // incoming first, read before the hashed directories are listed: a first update moving a queue
        // file from incoming meanwhile is then found in its hashed directory.
        var queue = Path.Combine(spoolPath, "queue");
        var incoming = Directory.GetFiles(Path.Combine(queue, "incoming"), "*.q").Select(f => ReadIfPresent(f, null)).ToList();
        var hashed = Directory.GetDirectories(queue).Where(d => Path.GetFileName(d) != "incoming").SelectMany(d => Directory.GetFiles(d));
        var rest = hashed.Select(f => Path.GetExtension(f) switch
        {
            ".env" => ReadIfPresent(f, null),
            ".q" => ReadIfPresent(f, Path.ChangeExtension(f, ".upd")),
            _ => null,
        });
        return [.. incoming.Concat(rest).OfType<SpoolEntry>().DistinctBy(e => e.Id)];

        // A running tier deletes and moves entries meanwhile: a file gone by the time it is read is skipped.
        static SpoolEntry? ReadIfPresent(string file, string? update)
        {
            try
            {
                return file.EndsWith(".env", StringComparison.Ordinal) ? SpoolEntrySerializer.Deserialize(File.ReadAllBytes(file))
                    : update is not null && File.Exists(update) ? SpoolEntrySerializer.Deserialize(File.ReadAllBytes(update))
                    : SpoolEntrySerializer.DeserializeQueueFileHead(File.ReadAllBytes(file));
            }
            catch (FileNotFoundException)
            {
                return null;
            }
        }
    }

    /// <summary>Brings the destination Mailstore up on its fixed port.</summary>
    public async Task StartDestinationAsync()
    {
        var domains = new List<DomainPattern> { DomainPattern.Parse("example.test") };
        Destination = new SmtpServer(
            new SmtpServerOptions { ServerName = "mailstore.test", Listeners = [new SmtpListenerOptions { Name = "smtp", EndPoint = new IPEndPoint(IPAddress.Loopback, DestinationPort) }] },
            new MaildirMessageHandler(new MaildirOptions { Root = MaildirRoot, Domains = domains }),
            relayControl: new RelayControl(new RelayControlOptions { LocalDomains = domains }));
        await Destination.StartAsync();
        _disposables.Insert(0, Destination);
    }

    /// <summary>Moves the clock in steps, letting the runners work after each step.</summary>
    public async Task AdvanceAsync(TimeSpan total, TimeSpan step, Func<bool>? until = null)
    {
        for (var t = TimeSpan.Zero; t < total; t += step)
        {
            Time.Advance(step);
            await SettleAsync();
            if (until?.Invoke() == true)
            {
                return;
            }
        }
    }

    /// <summary>Waits (bounded, real time) until no delivery is running: real sockets need real time.</summary>
    public static async Task SettleAsync()
    {
        await Task.Delay(150);
    }

    /// <summary>
    /// Keeps the fake clock moving in small steps until the condition holds (bounded in real time):
    /// a delivery that lagged behind the clock on a loaded machine may have been rescheduled.
    /// </summary>
    public async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan step, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting until " + what);
            }

            Time.Advance(step);
            await Task.Delay(100);
        }
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting until " + what);
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _disposables)
        {
            await d.DisposeAsync();
        }

        Dir.Dispose();
    }
}
