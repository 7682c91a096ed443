using System.Globalization;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Policy.Dkim;

/// <summary>
/// A private dnsmasq (tests/services/start-dns.sh on a free port, its own directory) publishing the DKIM keys of
/// TestData/Dkim/keys.zone, with <c>timeout.test</c> forwarded to a port nobody answers on; stopped when the class ends.
/// Besides the keys it serves start-dns.sh's default data (<c>_dmarc.example.test</c> p=reject, SPF of example.test).
/// </summary>
public sealed class DkimDnsServer : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private Exception? _startError;
    private bool _started;

    public int Port { get; } = FreePort.Next();

    public string DnsExtraConf { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DNS_PORT")))
        {
            return; // Require() skips (or fails in CI)
        }

        try
        {
            // keys.zone lines: name TXT "string" "string" ... -> dnsmasq txt-record=name,"string","string"
            var lines = DkimTestData.ZoneText.Split('\n')
                .Where(l => l.Contains(" TXT ", StringComparison.Ordinal))
                .Select(l => "txt-record=" + l[..l.IndexOf(' ', StringComparison.Ordinal)] + "," + l[l.IndexOf('"', StringComparison.Ordinal)..].Trim().Replace("\" \"", "\",\"", StringComparison.Ordinal))
                .Append("server=/timeout.test/127.0.0.1#9");
            DnsExtraConf = string.Join('\n', lines) + "\n";
            await File.WriteAllTextAsync(Path.Combine(_dir.Path, "dkim.conf"), DnsExtraConf);
            var (code, output) = await RunScriptAsync("start");
            _started = true;
            if (code != 0 || !output.Contains($"DNS_PORT={Port}", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"start-dns.sh exited {code}: {output}");
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or TimeoutException or System.ComponentModel.Win32Exception)
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

        _dir.Dispose();
    }

    /// <summary>A resolver over this server only (500 ms, no retry); skips (locally) or fails (CI) without the services.</summary>
    public DnsResolver CreateResolver()
    {
        ServiceEnvironment.Require("DNS");
        if (_startError is not null)
        {
            throw new InvalidOperationException("the DKIM test dnsmasq did not start", _startError);
        }

        var options = new DnsOptions { Timeout = TimeSpan.FromMilliseconds(500), Retries = 0 };
        options.Servers.Add($"127.0.0.1:{Port}");
        return new DnsResolver(options);
    }

    private Task<(int ExitCode, string Output)> RunScriptAsync(string command)
        => ProcessRunner.RunAsync("env", [
            "DNS_PORT=" + Port.ToString(CultureInfo.InvariantCulture),
            "DNS_DIR=" + Path.Combine(_dir.Path, "dns"),
            "DNS_EXTRA_CONF=" + Path.Combine(_dir.Path, "dkim.conf"),
            "bash", RepositoryFile("tests/services/start-dns.sh"), command], TimeSpan.FromSeconds(120));

    public static string RepositoryFile(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(relativePath + " not found above " + AppContext.BaseDirectory);
    }
}
