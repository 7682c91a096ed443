using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Submission;

/// <summary>
/// An outbound relay composed like the OutboundRelay sample (submission on 587 with STARTTLS and 465 with implicit TLS,
/// users file, DKIM signing, spool) routing every domain to a Mailstore host that stands in for MX delivery.
/// </summary>
internal sealed class SubmissionHost : IAsyncDisposable
{
    public const string User = "alice@example.test";
    public const string Password = "correct horse battery staple";

    private readonly TempDirectory _dir = new();
    private IHost? _outbound;
    private IHost? _mailstore;

    public string MaildirRoot => Path.Combine(_dir.Path, "maildirs");

    public string DkimPublicKeyBase64 { get; private set; } = "";

    public IHost Outbound => _outbound!;

    public CapturedLog Log { get; } = new();

    public System.Net.IPEndPoint Submission => Outbound.EndPoint("submission");

    public System.Net.IPEndPoint Smtps => Outbound.EndPoint("smtps");

    public static async Task<SubmissionHost> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var h = new SubmissionHost();
        h._mailstore = HostFixture.BuildMailstore(new() { ["MtaKit:ServerName"] = "mx.example.test", ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0" }, h.MaildirRoot);
        await h._mailstore.StartAsync();
        var mx = h._mailstore.EndPoint();

        var (cert, key) = TestCertificates.WritePem(Path.Combine(h._dir.Path, "tls"), "outbound.test");
        var users = Path.Combine(h._dir.Path, "users");
        await UsersFile.SetUserAsync(users, User, Password);
        using var rsa = RSA.Create(2048);
        var dkimKey = Path.Combine(h._dir.Path, "dkim.pem");
        await File.WriteAllTextAsync(dkimKey, rsa.ExportPkcs8PrivateKeyPem());
        h.DkimPublicKeyBase64 = Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());

        var settings = new Dictionary<string, string?>
        {
            ["MtaKit:ServerName"] = "outbound.test",
            ["MtaKit:Listeners:submission:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:Listeners:submission:RequireAuth"] = "true",
            ["MtaKit:Listeners:submission:Tls:CertificatePath"] = cert,
            ["MtaKit:Listeners:submission:Tls:KeyPath"] = key,
            ["MtaKit:Listeners:smtps:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:Listeners:smtps:RequireAuth"] = "true",
            ["MtaKit:Listeners:smtps:ImplicitTls"] = "true",
            ["MtaKit:Listeners:smtps:Tls:CertificatePath"] = cert,
            ["MtaKit:Listeners:smtps:Tls:KeyPath"] = key,
            ["MtaKit:Auth:UsersFile"] = users,
            ["MtaKit:Auth:Senders:alice@example.test:0"] = "@example.test",
            ["MtaKit:Auth:Throttle:MaxFailuresPerUser"] = "3",
            ["MtaKit:Dkim:Keys:0:Domain"] = "example.test",
            ["MtaKit:Dkim:Keys:0:Selector"] = "out1",
            ["MtaKit:Dkim:Keys:0:PrivateKeyPath"] = dkimKey,
            ["MtaKit:Queue:SpoolPath"] = Path.Combine(h._dir.Path, "spool"),
            ["MtaKit:Routing:Routes:0:Domains:0"] = "*",
            ["MtaKit:Routing:Routes:0:NextHops:0:Address"] = $"127.0.0.1:{mx.Port}",
        };
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddProvider(h.Log);
        var mtaKit = builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"));
        if (settings.ContainsKey("MtaKit:RateLimits:0:Key"))
        {
            mtaKit.UseRateLimits();
        }

        mtaKit.UseSubmission()
            .UseDkimSigning()
            .UseFallbackTier();
        h._outbound = builder.Build();
        await h._outbound.StartAsync();
        return h;
    }

    /// <summary>Waits (bounded) for the Mailstore to have stored a message for <paramref name="recipient"/> and returns its bytes.</summary>
    public async Task<byte[]> WaitForStoredAsync(string recipient)
    {
        var dir = Path.Combine(MaildirRoot, recipient, "new");
        var until = Environment.TickCount64 + 30_000;
        while (Environment.TickCount64 < until)
        {
            if (Directory.Exists(dir) && Directory.GetFiles(dir) is [var file, ..])
            {
                return await File.ReadAllBytesAsync(file);
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("nothing stored for " + recipient);
    }

    public async ValueTask DisposeAsync()
    {
        if (_outbound is not null)
        {
            await _outbound.StopAsync();
            _outbound.Dispose();
        }

        if (_mailstore is not null)
        {
            await _mailstore.StopAsync();
            _mailstore.Dispose();
        }

        _dir.Dispose();
    }
}
