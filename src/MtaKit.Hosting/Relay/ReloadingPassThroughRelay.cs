using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;
using MtaKit.Hosting.Configuration;
using MtaKit.Relay;
using MtaKit.Routing;

namespace MtaKit.Hosting;

/// <summary>
/// The pass-through relay as the host runs it: message handler, relay control and route resolver
/// over the current <see cref="RelayGeneration"/>. When the configuration reloads (a JSON file
/// changed on disk, ...), the routes, relay networks and relay options are read again; a valid
/// configuration becomes the generation new transactions take at MAIL, an invalid one is logged
/// and the old one kept. Open connections are never dropped; a transaction finishes on the
/// generation it began with.
/// </summary>
internal sealed class ReloadingPassThroughRelay : IMessageHandler, IRelayControl, IRouteResolver, IAsyncDisposable
{
    private readonly IConfiguration _mtaKit;
    private readonly Func<PassThroughRelayOptions, PassThroughRelayOptions>? _configure;
    private readonly ILogger _logger;
    private readonly TimeProvider? _time;
    private readonly IDisposable _subscription;
    private RelayGeneration _current;
    private int _disposed;

    public ReloadingPassThroughRelay(PassThroughRelaySettings initial, IConfiguration mtaKit, Func<PassThroughRelayOptions, PassThroughRelayOptions>? configure, ILoggerFactory? loggers, TimeProvider? time)
    {
        initial.ThrowIfInvalid();
        _mtaKit = mtaKit;
        _configure = configure;
        _logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger("MtaKit.Relay");
        _time = time;
        _current = Build(initial, 1);
        _subscription = ChangeToken.OnChange(mtaKit.GetReloadToken, Reload);
    }

    /// <summary>The generation new transactions take.</summary>
    public RelayGeneration Current => Volatile.Read(ref _current);

    public IReadOnlyList<DomainPattern> AcceptedDomains => Current.Routes.AcceptedDomains;

    public ValueTask<RouteMatch?> ResolveAsync(Mailbox recipient, CancellationToken cancellationToken) => Current.Routes.ResolveAsync(recipient, cancellationToken);

    /// <summary>Takes the current generation for the whole transaction (relay control and routes included).</summary>
    public async ValueTask<IMessageTransaction> BeginTransactionAsync(MailContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var generation = Current;
        while (!generation.TryEnter())
        {
            generation = Current;
        }

        try
        {
            context.Transaction.Properties.Set(generation);
            return new Transaction(await generation.Handler.BeginTransactionAsync(context).ConfigureAwait(false), generation);
        }
        catch
        {
            await generation.ExitAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Relay control of the transaction's generation (the current one outside a transaction).</summary>
    public ValueTask<SmtpVerdict> CheckAsync(RcptContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var generation = context.Transaction.Properties.Get<RelayGeneration>() ?? Current;
        return generation.Control.CheckAsync(context);
    }

    public async ValueTask DisposeAsync()
    {
        // registered under three service types: the container disposes it more than once
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _subscription.Dispose();
        await Current.RetireAsync().ConfigureAwait(false);
    }

    private void Reload()
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        var settings = PassThroughRelaySettings.Read(_mtaKit, _configure);
        if (settings.Errors.Count > 0)
        {
            ReloadLog.Rejected(_logger, "MtaKit:Routing", Current.Number, string.Join(" | ", settings.Errors));
            return;
        }

        var old = Current;
        var next = Build(settings, old.Number + 1);
        if (Interlocked.CompareExchange(ref _current, next, old) != old)
        {
            _ = next.RetireAsync().AsTask(); // another reload won; nothing entered this one
            return;
        }

        ReloadLog.Applied(_logger, "MtaKit:Routing", next.Number, $"{settings.Routing.Routes.Count} route(s), {settings.RelayNetworks.Count} relay network(s)");
        _ = old.RetireAsync().AsTask();
    }

    private RelayGeneration Build(PassThroughRelaySettings settings, int number)
    {
        var routes = new RouteTable(settings.Routing);
        var control = new RelayControl(new RelayControlOptions { LocalDomains = routes.AcceptedDomains, RelayNetworks = settings.RelayNetworks });
        var handler = new PassThroughRelayHandler(routes, settings.Relay, settings.Routing.SplitOnRouteChange, _logger, _time);
        return new RelayGeneration(number, routes, control, handler);
    }

    private sealed class Transaction(IMessageTransaction inner, RelayGeneration generation) : IMessageTransaction
    {
        private int _disposed;

        public ValueTask<SmtpVerdict> AddRecipientAsync(RcptContext context) => inner.AddRecipientAsync(context);

        public ValueTask<SmtpVerdict> DeliverAsync(DataContext context) => inner.DeliverAsync(context);

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            try
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                await generation.ExitAsync().ConfigureAwait(false);
            }
        }
    }
}
