using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MtaKit.Hosting.Configuration;
using MtaKit.Routing;
using MtaKit.Server;

namespace MtaKit.Hosting;

/// <summary>
/// Runs the SMTP server inside a generic host: reads and validates the options at start (a bad
/// configuration never starts half a server), binds the listeners, prints one
/// <c>listening &lt;name&gt; &lt;endpoint&gt;</c> line per listener, and drains on stop.
/// </summary>
public sealed class SmtpServerHost : IHostedService, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly MtaKitBuilder _builder;
    private SmtpServer? _server;

    /// <summary>Created by DI (see <c>AddMtaKit</c>).</summary>
    public SmtpServerHost(IServiceProvider services, MtaKitBuilder builder)
    {
        _services = services;
        _builder = builder;
    }

    /// <summary>The running server (after start).</summary>
    public SmtpServer Server => _server ?? throw new InvalidOperationException("The SMTP server has not started.");

    /// <summary>Reads the configuration into options and checks them; returns the problems, each naming its key.</summary>
    public static SmtpServerOptions ReadOptions(IConfiguration section, IEnumerable<Func<SmtpServerOptions, SmtpServerOptions>> edits, out List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(edits);
        errors = [];
        var options = MtaKitConfigurationReader.ReadServer(section, errors);
        foreach (var edit in edits)
        {
            options = edit(options);
        }

        errors.AddRange(options.Validate());
        return options;
    }

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = ReadOptions(_builder.Configuration, _builder.Edits, out var errors);
        var handler = _services.GetService<IMessageHandler>();
        if (handler is null)
        {
            errors.Add("No message handler: call UseMessageHandler<T>() on AddMtaKit(...) (a mailstore uses MaildirMessageHandler, a relay the pass-through relay).");
        }

        var relay = _services.GetService<IRelayControl>() ?? DefaultRelayControl(errors);
        ConfigurationErrors.ThrowIfAny(errors);

        var pipeline = new SmtpPipelineBuilder();
        foreach (var stage in _builder.Stages)
        {
            pipeline.Use(stage(_services));
        }

        _server = new SmtpServer(
            options,
            handler!,
            pipeline.Build(),
            relay,
            _services.GetService<ISmtpAuthenticator>(),
            _services.GetService<ILoggerFactory>(),
            _services.GetService<TimeProvider>() ?? TimeProvider.System,
            _services,
            _services.GetService<System.Diagnostics.Metrics.IMeterFactory>());
        await _server.StartAsync(cancellationToken).ConfigureAwait(false);
        if (MtaKitConfigurationReader.Get(_builder.Configuration, "AnnounceListeners", true, "MtaKit:", errors))
        {
            foreach (var (name, endPoint) in _server.EndPoints)
            {
                await Console.Out.WriteLineAsync($"listening {name} {Format(endPoint)}").ConfigureAwait(false);
            }

            await Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private RelayControl DefaultRelayControl(List<string> errors)
        => new(new RelayControlOptions { RelayNetworks = ConfigurationErrors.ReadNetworks(_builder.Configuration, "Routing:RelayNetworks", errors) });

    private static string Format(IPEndPoint endPoint)
        => endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]:{endPoint.Port}" : endPoint.ToString();

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => _server?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
