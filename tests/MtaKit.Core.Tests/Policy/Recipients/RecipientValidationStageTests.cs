using System.Net;
using Microsoft.Extensions.Time.Testing;
using MtaKit.Core.Tests.Hints;
using MtaKit.Core.Tests.Server;
using MtaKit.Handlers.Maildir;
using MtaKit.Routing;
using MtaKit.Server;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Policy.Recipients;

public sealed class RecipientValidationStageTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryHintsStore _store;
    private readonly TempDirectory _temp = new();

    public RecipientValidationStageTests() => _store = new InMemoryHintsStore(null, _time);

    public void Dispose() => _temp.Dispose();

    private RecipientValidationStage CreateSut(RecipientValidationOptions options, IRouteResolver? routes = null) => new(options, _store, routes, _time);

    [Fact]
    public async Task OnRcptAsync_StaticList_KnownPassesUnknownIn5Xx()
    {
        await using var server = await PolicyStageServer.StartAsync(CreateSut(new RecipientValidationOptions { Addresses = ["Alice@Example.test", "@catch.example.test"] }));

        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, "s@sender.test", "alice@example.TEST"));
        Assert.Equal("550 5.1.1 User unknown", await PolicyStageServer.RcptAsync(server, "s@sender.test", "bob@example.test"));
        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, "s@sender.test", "anyone@catch.example.test"));
        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, "s@sender.test", "anyone@uncovered.example.test"));
    }

    [Fact]
    public async Task OnRcptAsync_ListFile_ReadsAddressesDomainsAndSkipsComments()
    {
        var file = Path.Combine(_temp.Path, "recipients.txt");
        await File.WriteAllLinesAsync(file, ["# known", "carol@example.test", "", "  @all.example.test  "]);
        await using var server = await PolicyStageServer.StartAsync(CreateSut(new RecipientValidationOptions { Files = [file] }));

        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, "s@sender.test", "carol@example.test"));
        Assert.StartsWith("550 5.1.1", await PolicyStageServer.RcptAsync(server, "s@sender.test", "dave@example.test"));
        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, "s@sender.test", "x@all.example.test"));
    }

    [Fact]
    public async Task OnRcptAsync_Callout_MirrorsNextHopAndCachesAnswers()
    {
        var downstream = await StartMaildirAsync("known@example.test");
        await using var front = await PolicyStageServer.StartAsync(CreateSut(new RecipientValidationOptions { Callout = true }, Routes(downstream.GetEndPoint("next"))));

        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(front, "s@sender.test", "known@example.test"));
        Assert.Equal("550 5.1.1 User unknown", await PolicyStageServer.RcptAsync(front, "s@sender.test", "nobody@example.test"));

        // The next hop is gone: cached answers still decide (24 h positive, 2 h negative).
        await downstream.DisposeAsync();
        _time.Advance(TimeSpan.FromHours(1));
        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(front, "s@sender.test", "known@example.test"));
        Assert.StartsWith("550 5.1.1", await PolicyStageServer.RcptAsync(front, "s@sender.test", "nobody@example.test"));

        _time.Advance(TimeSpan.FromHours(1.5));
        Assert.StartsWith("451 4.4.3", await PolicyStageServer.RcptAsync(front, "s@sender.test", "nobody@example.test"));
        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(front, "s@sender.test", "known@example.test"));
    }

    [Fact]
    public async Task OnRcptAsync_CalloutNextHopDown_DefersOrPassesPerOption()
    {
        var closed = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        await using var deferring = await PolicyStageServer.StartAsync(CreateSut(new RecipientValidationOptions { Callout = true }, Routes(closed)));
        await using var lenient = await PolicyStageServer.StartAsync(CreateSut(new RecipientValidationOptions { Callout = true, DeferOnCalloutFailure = false }, Routes(closed)));

        Assert.Equal("451 4.4.3 Recipient verification failed, try again later", await PolicyStageServer.RcptAsync(deferring, "s@sender.test", "x@example.test"));
        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(lenient, "s@sender.test", "x@example.test"));
    }

    [Fact]
    public async Task OnRcptAsync_CalloutNextHopSilent_DefersAtCalloutTimeout()
    {
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var options = new RecipientValidationOptions { Callout = true, CalloutTimeout = TimeSpan.FromSeconds(30) };
        await using var front = await PolicyStageServer.StartAsync(CreateSut(options, Routes((IPEndPoint)silent.LocalEndpoint)));
        var rcpt = PolicyStageServer.RcptAsync(front, "s@sender.test", "x@example.test");

        // The callout is connected (its deadline armed) and waits for a greeting that never comes.
        using var accepted = await silent.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(rcpt.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.StartsWith("451 4.4.3", await rcpt.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task OnRcptAsync_CalloutFirstHopDown_AsksNextHop()
    {
        var downstream = await StartMaildirAsync("known@example.test");
        await using var _ = downstream;
        var closed = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var routes = new RouteTable(new RoutingOptions
        {
            Routes = [new Route { Domains = [DomainPattern.Parse("example.test")], NextHops = [Hop(closed, 0), Hop(downstream.GetEndPoint("next"), 10)] }],
        });
        await using var front = await PolicyStageServer.StartAsync(CreateSut(new RecipientValidationOptions { Callout = true }, routes));

        Assert.StartsWith("550 5.1.1", await PolicyStageServer.RcptAsync(front, "s@sender.test", "nobody@example.test"));
        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(front, "s@sender.test", "known@example.test"));
    }

    [Fact]
    public async Task OnRcptAsync_ListCoversDomain_NoCallout()
    {
        var closed = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        await using var server = await PolicyStageServer.StartAsync(CreateSut(new RecipientValidationOptions { Addresses = ["a@example.test"], Callout = true }, Routes(closed)));

        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, "s@sender.test", "a@example.test"));
    }

    [Fact]
    public void Constructor_BadEntryOrMissingFileOrCalloutWithoutRoutes_Throws()
    {
        Assert.Contains("MtaKit:Recipients:Addresses:0", Assert.Throws<ArgumentException>(() => CreateSut(new RecipientValidationOptions { Addresses = ["not an address"] })).Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Recipients:Files:0", Assert.Throws<ArgumentException>(() => CreateSut(new RecipientValidationOptions { Files = [Path.Combine(_temp.Path, "missing")] })).Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Recipients:Callout", Assert.Throws<ArgumentException>(() => CreateSut(new RecipientValidationOptions { Callout = true })).Message, StringComparison.Ordinal);
        Assert.NotEmpty(new RecipientValidationOptions().Validate());
    }

    private static NextHop Hop(IPEndPoint endPoint, int priority) => NextHop.Parse($"{endPoint.Address}:{endPoint.Port}", priority);

    private static RouteTable Routes(IPEndPoint next)
        => new(new RoutingOptions { Routes = [new Route { Domains = [DomainPattern.Parse("example.test")], NextHops = [Hop(next, 0)] }] });

    private async Task<SmtpServer> StartMaildirAsync(params string[] recipients)
    {
        var handler = new MaildirMessageHandler(new MaildirOptions { Root = _temp.Path, Domains = [DomainPattern.Parse("example.test")], Recipients = recipients });
        var options = new SmtpServerOptions { ServerName = "store.test", Listeners = [new SmtpListenerOptions { Name = "next", EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }] };
        var relay = new RelayControl(new RelayControlOptions { LocalDomains = [DomainPattern.Parse("example.test")] });
        var server = new SmtpServer(options, handler, null, relay, null, null, null);
        await server.StartAsync();
        return server;
    }
}
