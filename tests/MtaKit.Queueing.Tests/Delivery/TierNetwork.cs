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

    public static async Task<TierNetwork> StartAsync()
    {
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
        var (tier2, ep2) = await net.StartTierAsync("tier2", TimeSpan.FromHours(22), null, routes);
        var (tier1, ep1) = await net.StartTierAsync("tier1", TimeSpan.FromHours(6), ep2, routes);
        net.Tier1 = tier1;
        net.Tier2 = tier2;
        net.Tier1EndPoint = ep1;
        return net;
    }

    private async Task<(QueueRunner Runner, IPEndPoint EndPoint)> StartTierAsync(string name, TimeSpan window, IPEndPoint? next, RouteTable routes)
    {
        var tierOptions = new TierOptions { Name = name, Window = window, Retry = "F,2d,30m" };
        if (next is not null)
        {
            tierOptions.NextTier.Add($"{next.Address}:{next.Port}");
        }

        var spool = new FileMessageSpool(new FileMessageSpoolOptions { Path = Path.Combine(Dir.Path, name) });
        var runner = new QueueRunner(QueueTier.Create(tierOptions), spool, routes, new QueueRunnerOptions { HostName = name + ".test", IoTimeProvider = TimeProvider.System }, timeProvider: Time);
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
                    },
                ],
            },
            new SpoolingMessageHandler(spool, runner, Time),
            relayControl: new RelayControl(new RelayControlOptions { RelayNetworks = [IPNetwork.Parse("127.0.0.0/8")] }));
        await runner.StartAsync();
        await server.StartAsync();
        _disposables.Add(server);
        _disposables.Add(runner);
        return (runner, server.GetEndPoint("smtp"));
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
        var deadline = DateTime.UtcNow.AddSeconds(30);
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
