using System.Globalization;

namespace MtaKit.Testing;

/// <summary>
/// A private dnsmasq (tests/services/start-dns.sh on a free port, in a directory of its own) serving the script's default
/// data plus the dnsmasq lines a test gives (<c>host-record=</c>, <c>mx-host=</c>, <c>txt-record=</c>, ...), so the shared
/// instance is never changed. Needs the services environment (DNS_PORT set, as .ci/run does): without it
/// <see cref="StartAsync"/> skips locally and fails in CI, like <see cref="ServiceEnvironment.Require"/>.
/// </summary>
public sealed class PrivateDnsServer : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private bool _started;

    private PrivateDnsServer()
    {
    }

    /// <summary>The UDP/TCP port on 127.0.0.1.</summary>
    public int Port { get; } = FreePort.Next();

    /// <summary>The server as a <c>MtaKit:Dns:Servers</c> entry.</summary>
    public string Server => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts dnsmasq with <paramref name="extraConf"/> (dnsmasq configuration lines).</summary>
    public static async Task<PrivateDnsServer> StartAsync(string extraConf)
    {
        ServiceEnvironment.Require("DNS");
        var server = new PrivateDnsServer();
        try
        {
            await File.WriteAllTextAsync(Path.Combine(server._dir.Path, "extra.conf"), extraConf + "\n");
            var (code, output) = await server.RunScriptAsync("start");
            server._started = true;
            if (code != 0 || !output.Contains($"DNS_PORT={server.Port}", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"start-dns.sh exited {code}: {output}");
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Formats a TXT value as dnsmasq character-strings of at most 250 octets (long DKIM keys).</summary>
    public static string TxtStrings(string value)
        => string.Join(',', value.Chunk(250).Select(c => "\"" + new string(c) + "\""));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            _started = false;
            await RunScriptAsync("stop");
        }

        _dir.Dispose();
    }

    private Task<(int ExitCode, string Output)> RunScriptAsync(string command)
        => ProcessRunner.RunAsync("env", [
            "DNS_PORT=" + Port.ToString(CultureInfo.InvariantCulture),
            "DNS_DIR=" + Path.Combine(_dir.Path, "dns"),
            "DNS_EXTRA_CONF=" + Path.Combine(_dir.Path, "extra.conf"),
            "bash", RepositoryPaths.File("tests/services/start-dns.sh"), command], TimeSpan.FromSeconds(120));
}
