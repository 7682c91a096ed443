using System.Net;
using MtaKit.Handlers.Maildir;
using MtaKit.Relay;
using MtaKit.Routing;
using MtaKit.Server;
using MtaKit.Testing;

namespace MtaKit.Scanning.Tests.Stage;

/// <summary>
/// Real in-process servers around the data-scan stage: a mailstore (stage + Maildir handler), or a
/// relay (stage + pass-through relay) in front of a downstream mailstore. Messages go over real
/// loopback sockets; what was delivered is read back from the Maildir files.
/// </summary>
internal sealed class ScanStageHost : IAsyncDisposable
{
    private static readonly DomainPattern Domain = DomainPattern.Parse("example.test");
    private readonly TempDirectory _maildir;
    private readonly SmtpServer _mailstore;
    private readonly SmtpServer? _relay;
    private readonly PassThroughRelayHandler? _relayHandler;

    private ScanStageHost(TempDirectory maildir, SmtpServer mailstore, SmtpServer? relay, PassThroughRelayHandler? relayHandler)
    {
        _maildir = maildir;
        _mailstore = mailstore;
        _relay = relay;
        _relayHandler = relayHandler;
    }

    /// <summary>Where clients connect: the relay when there is one, else the mailstore.</summary>
    public IPEndPoint EndPoint => (_relay ?? _mailstore).GetEndPoint("smtp");

    /// <summary>Starts a mailstore running <paramref name="stages"/>, or a relay running them in front of a plain mailstore.</summary>
    public static async Task<ScanStageHost> StartAsync(bool relay, params object[] stages)
    {
        var maildir = new TempDirectory();
        var handler = new MaildirMessageHandler(new MaildirOptions { Root = maildir.Path, Domains = [Domain], HostName = "mx.test" });
        var localOnly = new RelayControl(new RelayControlOptions { LocalDomains = [Domain] });
        var pipeline = new SmtpPipelineBuilder();
        foreach (var stage in stages)
        {
            pipeline.Use(stage);
        }

        var mailstore = new SmtpServer(Options("mx.test"), handler, relay ? null : pipeline.Build(), localOnly);
        await mailstore.StartAsync();
        if (!relay)
        {
            return new ScanStageHost(maildir, mailstore, null, null);
        }

        var port = mailstore.GetEndPoint("smtp").Port;
        var routes = new RouteTable(new RoutingOptions
        {
            Routes = [new Route { Domains = [Domain], NextHops = [NextHop.Parse($"127.0.0.1:{port}")] }],
        });
        var relayHandler = new PassThroughRelayHandler(routes, new PassThroughRelayOptions { HostName = "relay.test" });
        var relayServer = new SmtpServer(Options("relay.test"), relayHandler, pipeline.Build(), localOnly);
        await relayServer.StartAsync();
        return new ScanStageHost(maildir, mailstore, relayServer, relayHandler);
    }

    /// <summary>Sends one message; returns the reply to the final dot (or the first refusal before it).</summary>
    public async Task<string> SendAsync(string message, string to = "bob@example.test")
    {
        await using var client = await RawSmtpClient.ConnectAsync(EndPoint);
        client.Timeout = TimeSpan.FromSeconds(90);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example.test");
        foreach (var command in new[] { "MAIL FROM:<alice@example.test>", $"RCPT TO:<{to}>", "DATA" })
        {
            var reply = await client.CommandAsync(command);
            if (reply[0] is not ('2' or '3'))
            {
                return reply;
            }
        }

        var lines = message.ReplaceLineEndings("\r\n").Split("\r\n").Select(l => l.StartsWith('.') ? "." + l : l);
        await client.SendRawAsync(string.Join("\r\n", lines).TrimEnd('\r', '\n') + "\r\n.\r\n");
        var final = await client.ReadLastLineAsync();
        await client.CommandAsync("QUIT");
        return final;
    }

    /// <summary>The messages in a recipient's Maildir (new/).</summary>
    public IReadOnlyList<string> Delivered(string recipient = "bob@example.test") => Read(Path.Combine(_maildir.Path, recipient, "new"));

    /// <summary>The messages in the quarantine Maildir.</summary>
    public IReadOnlyList<string> Quarantined() => Read(Path.Combine(_maildir.Path, ".quarantine", "new"));

    /// <summary>Every file anywhere under the Maildir root (tmp included).</summary>
    public int FileCount => Directory.Exists(_maildir.Path) ? Directory.GetFiles(_maildir.Path, "*", SearchOption.AllDirectories).Length : 0;

    public async ValueTask DisposeAsync()
    {
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }

        if (_relayHandler is not null)
        {
            await _relayHandler.DisposeAsync();
        }

        await _mailstore.DisposeAsync();
        _maildir.Dispose();
    }

    private static SmtpServerOptions Options(string name) => new()
    {
        ServerName = name,
        Listeners = [new SmtpListenerOptions { Name = "smtp", EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }],
    };

    private static string[] Read(string directory)
        => Directory.Exists(directory) ? [.. Directory.GetFiles(directory).Order(StringComparer.Ordinal).Select(File.ReadAllText)] : [];
}
