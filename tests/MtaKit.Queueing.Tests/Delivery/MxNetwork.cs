using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using MtaKit.Handlers.Maildir;
using MtaKit.Routing;
using MtaKit.Server;
using MtaKit.Testing;

namespace MtaKit.Queueing.Tests.Delivery;

/// <summary>
/// A queue runner whose only route is <c>* -> mx</c>, with MX destinations (real MtaKit servers storing
/// to Maildir) on loopback addresses and one port, and messages driven through <see cref="QueueRunner.ProcessAsync"/>.
/// </summary>
internal sealed class MxNetwork : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _servers = [];

    private MxNetwork(IDnsResolver? dns, int port, QueueRunnerOptions? options)
    {
        Port = port;
        var routes = new RouteTable(new RoutingOptions
        {
            Routes = [new Route { Domains = [DomainPattern.Parse("*")], NextHops = [NextHop.Parse("mx")] }],
        });
        var tier = QueueTier.Create(new TierOptions { Name = "outbound", Window = TimeSpan.FromDays(5), Retry = "F,5d,30m" });
        Hints = new InMemoryRetryHints(Time);
        Spool = new FileMessageSpool(new FileMessageSpoolOptions { Path = Path.Combine(Dir.Path, "spool") });
        Runner = new QueueRunner(
            tier,
            Spool,
            routes,
            (options ?? new QueueRunnerOptions { HostName = "out.test" }) with { HostName = "out.test", MxResolver = dns is null ? null : new MxResolver(dns, new Random(5)), MxPort = port, IoTimeProvider = TimeProvider.System },
            hints: Hints,
            timeProvider: Time);
    }

    public TempDirectory Dir { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero));

    public int Port { get; }

    public FileMessageSpool Spool { get; }

    public InMemoryRetryHints Hints { get; }

    public QueueRunner Runner { get; }

    public string MaildirRoot => Path.Combine(Dir.Path, "maildirs");

    /// <summary>Each MAIL an MX host got: the listener address, the client's port (equal for a reused connection), TLS, and the server name the client sent (SNI).</summary>
    public ConcurrentQueue<(IPAddress Local, int RemotePort, bool Secure, string? ServerName)> Sessions { get; } = new();

    public static MxNetwork Create(string zone, QueueRunnerOptions? options = null, int? port = null)
        => new(new StaticZoneResolver(StaticZone.Parse(zone)), port ?? FreePort.Next(), options);

    /// <summary>A network whose runner has no <see cref="QueueRunnerOptions.MxResolver"/> when <paramref name="dns"/> is null.</summary>
    public static MxNetwork Create(IDnsResolver? dns, QueueRunnerOptions? options = null, int? port = null)
        => new(dns, port ?? FreePort.Next(), options);

    /// <summary>Starts an MX host listening on <paramref name="address"/> at the network's port, storing mail for any domain.</summary>
    public async Task StartMxAsync(IPAddress address, SmtpTlsOptions? tls = null, string name = "mx.test")
    {
        var pipeline = new SmtpPipelineBuilder().Use(new SessionRecorder(Sessions)).Build();
        var server = new SmtpServer(
            new SmtpServerOptions { ServerName = name, Listeners = [new SmtpListenerOptions { Name = "smtp", EndPoint = new IPEndPoint(address, Port), Tls = tls }] },
            new MaildirMessageHandler(new MaildirOptions { Root = MaildirRoot, Domains = [DomainPattern.Parse("*")] }),
            pipeline,
            relayControl: new RelayControl(new RelayControlOptions { RelayNetworks = [IPNetwork.Parse("0.0.0.0/0"), IPNetwork.Parse("::/0")] }));
        await server.StartAsync();
        _servers.Add(server);
    }

    /// <summary>Spools a message to <paramref name="recipients"/> and runs one delivery attempt for it.</summary>
    public async Task<QueueId> SubmitAsync(string sender, params string[] recipients)
    {
        var now = Time.GetUtcNow();
        var entry = new SpoolEntry
        {
            Id = QueueId.NewId(Time, Random.Shared),
            Envelope = new SpoolEnvelope { ReversePath = sender, Recipients = [.. recipients.Select(r => new SpoolRecipient { Address = r })] },
            OriginalArrival = now,
            TierArrival = now,
            NextAttempt = now,
        };
        await Spool.StoreAsync(entry, MessageContent.FromBytes(System.Text.Encoding.ASCII.GetBytes("From: <" + sender + ">\r\nTo: <" + recipients[0] + ">\r\nSubject: mx test\r\nMessage-ID: <mx@out.test>\r\n\r\nhello by MX\r\n")));
        Runner.Enqueue(entry);
        await Runner.ProcessAsync(entry.Id, CancellationToken.None);
        return entry.Id;
    }

    /// <summary>The messages stored for <paramref name="recipient"/>.</summary>
    public string[] Delivered(string recipient)
    {
        var dir = Path.Combine(MaildirRoot, recipient, "new");
        return Directory.Exists(dir) ? Directory.GetFiles(dir) : [];
    }

    public async ValueTask DisposeAsync()
    {
        await Runner.DisposeAsync();
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        Dir.Dispose();
    }

    private sealed class SessionRecorder(ConcurrentQueue<(IPAddress, int, bool, string?)> sessions) : IMailStage
    {
        public ValueTask<SmtpVerdict> OnMailAsync(MailContext context, StageDelegate<MailContext> next)
        {
            sessions.Enqueue((context.Session.LocalEndPoint.Address, context.Session.RemoteEndPoint.Port, context.Session.IsSecure, context.Session.TlsServerName));
            return next(context);
        }
    }
}
