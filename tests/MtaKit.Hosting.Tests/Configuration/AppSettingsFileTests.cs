using MailKit.Net.Smtp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MimeKit;
using MtaKit.Handlers.Maildir;
using MtaKit.Routing;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Configuration;

/// <summary>Hosts bound from a real appsettings.json, the way an admin deploys one; and the start-up errors of docs/configuration.md.</summary>
public sealed class AppSettingsFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Host_FromAppSettingsJson_RelaysMailSentWithMailKit()
    {
        var maildirs = Path.Combine(_dir.Path, "maildirs");
        using var host = Build(
            """
            {
              "MtaKit": {
                "ServerName": "mailstore.example.test",
                "AnnounceListeners": false,
                "Limits": { "MaxRecipients": 10, "MaxMessageSize": 1048576 },
                "Listeners": { "smtp": { "Endpoint": "127.0.0.1:0", "Extensions": { "Chunking": false, "BinaryMime": false } } },
                "Health": { "UnhealthyGracePeriod": "00:00:00" }
              }
            }
            """,
            Mailstore);
        await host.StartAsync();
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", host.EndPoint().Port, MailKit.Security.SecureSocketOptions.None);
            Assert.Equal(1048576u, client.MaxSize);
            Assert.False(client.Capabilities.HasFlag(SmtpCapabilities.Chunking));
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse("alice@sender.test"));
            message.To.Add(MailboxAddress.Parse("bob@example.test"));
            message.Subject = "from appsettings.json";
            message.Body = new TextPart("plain") { Text = "body" };
            await client.SendAsync(message);
            await client.DisconnectAsync(true);
        }

        await host.StopAsync();
        var stored = MimeMessage.Load(Assert.Single(Directory.GetFiles(Path.Combine(maildirs, "bob@example.test", "new"))));
        Assert.Equal("from appsettings.json", stored.Subject);
        Assert.Contains("by mailstore.example.test (MtaKit)", stored.Headers["Received"], StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> InvalidConfigurations => new()
    {
        {
            "mailstore",
            """{ "Listeners": { "smtp": { "Endpoint": "127.0.0.1:smtp" } } }""",
            "MtaKit:Listeners:smtp:Endpoint '127.0.0.1:smtp' is not host:port (e.g. 127.0.0.1:2525, [::1]:2525 or *:25)."
        },
        {
            "relay",
            """
            { "Listeners": { "smtp": { "Endpoint": "127.0.0.1:0" } },
              "Routing": { "Routes": [ { "Domains": [ "example.test" ], "NextHops": [ "127.0.0.1:2601" ] },
                                       { "Domains": [ "Example.test" ], "NextHops": [ "127.0.0.1:2602" ] } ] } }
            """,
            "MtaKit:Routing:Routes:1:Domains: the pattern 'example.test' is already used by MtaKit:Routing:Routes:0 (a duplicate pattern is ambiguous): remove it from one of the two routes, or merge them into one route"
        },
        {
            "mailstore",
            """{ "Listeners": { "smtp": { "Endpoint": "127.0.0.1:0", "ProxyProtocol": true } } }""",
            "MtaKit:Listeners:smtp:ProxyProtocol is on but MtaKit:Listeners:smtp:TrustedProxies is empty: name the networks of the load balancers allowed to send a PROXY header."
        },
        {
            "scanning",
            """{ "Listeners": { "smtp": { "Endpoint": "127.0.0.1:0" } }, "Scanning": { "FailPolicy": "Defer" } }""",
            "MtaKit:Scanning names no scanner: set MtaKit:Scanning:Clamd:Endpoints:0:Address (or :Spamd: / :Rspamd:), or set MtaKit:Scanning:Embedded:Enabled=true"
        },
        {
            "tier",
            """
            { "Listeners": { "smtp": { "Endpoint": "127.0.0.1:0" } },
              "Routing": { "Routes": [ { "Domains": [ "example.test" ], "NextHops": [ "127.0.0.1:2601" ] } ] },
              "Queue": { "SpoolPath": "SPOOL", "Tier": { "Retry": "F,soon,15m" } } }
            """,
            "MtaKit:Queue:Tier:Retry is invalid: Retry rule error at "
        },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigurations))]
    public async Task Host_InvalidAppSettings_FailsAtStartWithTheDocumentedMessage(string kind, string mtaKit, string expected)
    {
        var json = $$"""{ "MtaKit": {{mtaKit.Replace("SPOOL", _dir.Path.Replace("\\", "/", StringComparison.Ordinal), StringComparison.Ordinal)}} }""";
        Action<MtaKitBuilder> compose = kind switch
        {
            "relay" => b => b.UsePassThroughRelay(),
            "scanning" => b => Mailstore(b.UseScanning()),
            "tier" => b => b.UseFallbackTier(),
            _ => Mailstore,
        };

        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            using var host = Build(json, compose);
            await host.StartAsync();
        });
        Assert.StartsWith("Invalid MtaKit configuration:", e.Message, StringComparison.Ordinal);
        Assert.Contains("  - " + expected, e.Message, StringComparison.Ordinal);
    }

    private void Mailstore(MtaKitBuilder mtaKit)
    {
        var domains = new List<DomainPattern> { DomainPattern.Parse("example.test") };
        mtaKit.UseMessageHandler(_ => new MaildirMessageHandler(new MaildirOptions { Root = Path.Combine(_dir.Path, "maildirs"), Domains = domains }))
            .UseRelayControl(_ => new RelayControl(new RelayControlOptions { LocalDomains = domains }));
    }

    private IHost Build(string json, Action<MtaKitBuilder> compose)
    {
        var path = Path.Combine(_dir.Path, "appsettings.json");
        File.WriteAllText(path, json);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = _dir.Path });
        builder.Configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
        var mtaKit = builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"));
        compose(mtaKit);
        return builder.Build();
    }
}
