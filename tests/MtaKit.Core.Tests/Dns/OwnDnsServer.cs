using System.Diagnostics;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Dns;

/// <summary>
/// A private dnsmasq started with tests/services/start-dns.sh on a free port and its own directory, with extra
/// data (<see cref="ExtraConf"/>), so the shared instance is never restarted; stopped when the test class ends.
/// Needs the services environment (DNS_PORT set, as .ci/run does); otherwise the tests skip.
/// </summary>
public sealed class OwnDnsServer : IAsyncLifetime
{
    /// <summary>
    /// TTL 60 for local data (dnsmasq serves 0 otherwise), timeout.test forwarded to a port nothing answers on,
    /// and big.test: six 250-octet TXT records, more than dnsmasq's UDP limit (1232), so it comes truncated over UDP.
    /// </summary>
    public const string ExtraConf = """
        local-ttl=60
        server=/timeout.test/127.0.0.1#9
        host-record=cached.test,192.0.2.77
        txt-record=cached.test,"cached text"
        txt-record=big.test,"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        txt-record=big.test,"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
        txt-record=big.test,"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
        txt-record=big.test,"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
        txt-record=big.test,"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
        txt-record=big.test,"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
        """;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"mtakit-dns-{Guid.NewGuid():N}");
    private Exception? _startError;
    private bool _started;

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DNS_PORT")))
        {
            return; // Require() skips (or fails in CI)
        }

        try
        {
            Directory.CreateDirectory(_dir);
            await File.WriteAllTextAsync(Path.Combine(_dir, "extra.conf"), ExtraConf);
            Port = FreePort.Next();
            var output = await RunScriptAsync("start");
            _started = true;
            if (!output.Contains($"DNS_PORT={Port}", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("start-dns.sh printed: " + output);
            }
        }
        catch (Exception ex)
        {
            _startError = ex;
        }
    }

    public async Task DisposeAsync()
    {
        if (_started)
        {
            await RunScriptAsync("stop");
        }

        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>Skips (locally) or fails (CI) when the server is not available.</summary>
    public DnsOptions Require()
    {
        ServiceEnvironment.Require("DNS");
        if (_startError is not null)
        {
            throw new InvalidOperationException("own dnsmasq did not start", _startError);
        }

        var options = new DnsOptions { Timeout = TimeSpan.FromMilliseconds(500), Retries = 0 };
        options.Servers.Add($"127.0.0.1:{Port}");
        return options;
    }

    private async Task<string> RunScriptAsync(string command)
    {
        var script = FindScript();
        var start = new ProcessStartInfo("bash", [script, command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DNS_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["DNS_DIR"] = Path.Combine(_dir, "dns");
        start.Environment["DNS_EXTRA_CONF"] = Path.Combine(_dir, "extra.conf");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"start-dns.sh {command} exited {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "services", "start-dns.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("tests/services/start-dns.sh not found above " + AppContext.BaseDirectory);
    }
}
