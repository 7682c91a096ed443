using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MtaKit.Handlers.Maildir;
using MtaKit.Routing;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Scanning;

/// <summary>A real mailstore host (Maildir) composed by a test, with its log lines collected.</summary>
internal sealed class ScanningHostFixture : IDisposable
{
    private static readonly List<DomainPattern> Domains = [DomainPattern.Parse("example.test")];
    private readonly TempDirectory _maildir = new();

    public ScanningHostFixture(Dictionary<string, string?> settings, Action<MtaKitBuilder> compose)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:AnnounceListeners"] = "false",
        });
        builder.Logging.AddProvider(Logs);
        var mtaKit = builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
            .UseMessageHandler(_ => new MaildirMessageHandler(new MaildirOptions { Root = _maildir.Path, Domains = Domains }))
            .UseRelayControl(_ => new RelayControl(new RelayControlOptions { LocalDomains = Domains }));
        compose(mtaKit);
        Host = builder.Build();
    }

    /// <summary>EICAR, kept reversed and base64-encoded so that no antivirus quarantines this file.</summary>
    public static string Eicar => new([.. Encoding.ASCII.GetString(Convert.FromBase64String(
        "KkgrSCQhRUxJRi1UU0VULVNVUklWSVROQS1EUkFETkFUUy1SQUNJRSR9NylDQzcpXlAoNDVYWlBcNFtQQUAlUCFPNVg=")).Reverse()]);

    public static string Gtube => "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    public IHost Host { get; }

    public CollectingLoggerProvider Logs { get; } = new();

    public static string Mail(string body) => $"From: <alice@example.test>\r\nTo: <bob@example.test>\r\nSubject: test\r\nMessage-ID: <{Guid.NewGuid():N}@example.test>\r\n\r\n{body}\r\n";

    public IReadOnlyList<string> Delivered()
    {
        var dir = Path.Combine(_maildir.Path, "bob@example.test", "new");
        return Directory.Exists(dir) ? [.. Directory.GetFiles(dir).Select(File.ReadAllText)] : [];
    }

    /// <summary>Sends one message to the host's listener; returns the reply to the final dot.</summary>
    public async Task<string> SendAsync(string message)
    {
        await using var client = await RawSmtpClient.ConnectAsync(Host.EndPoint());
        client.Timeout = TimeSpan.FromSeconds(90);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example.test");
        await client.CommandAsync("MAIL FROM:<alice@example.test>");
        await client.CommandAsync("RCPT TO:<bob@example.test>");
        await client.CommandAsync("DATA");
        await client.SendRawAsync(message + ".\r\n");
        return await client.ReadLastLineAsync();
    }

    public void Dispose()
    {
        Host.Dispose();
        _maildir.Dispose();
    }
}

/// <summary>Keeps every log line for assertions.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, EventId Id, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner.Entries.Enqueue((category, eventId, logLevel, formatter(state, exception)));
    }
}
