using Xunit;

namespace MtaKit.Testing;

/// <summary>
/// An xUnit class fixture around a <see cref="PrivateDnsServer"/>: started once per test class with <see cref="ExtraConf"/>,
/// stopped after it. Start problems are kept until a test calls <see cref="RequireServer"/>, which then skips (locally,
/// without the services environment) or fails (in CI), like <see cref="ServiceEnvironment.Require"/>.
/// </summary>
public abstract class PrivateDnsFixture : IAsyncLifetime
{
    private PrivateDnsServer? _server;
    private Exception? _startError;

    /// <summary>The dnsmasq lines this fixture serves besides start-dns.sh's default data.</summary>
    protected abstract string ExtraConf { get; }

    /// <summary>The port on 127.0.0.1 (0 when the server did not start).</summary>
    public int Port => _server?.Port ?? 0;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DNS_PORT")))
        {
            return; // RequireServer() skips (or fails in CI)
        }

        try
        {
            _server = await PrivateDnsServer.StartAsync(ExtraConf);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            _startError = ex;
        }
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>The running server; skips (locally) or fails (CI) without the services, fails when it did not start.</summary>
    protected PrivateDnsServer RequireServer()
    {
        ServiceEnvironment.Require("DNS");
        return _server ?? throw new InvalidOperationException("the private dnsmasq did not start", _startError);
    }
}
