using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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
    private readonly Reloadable<RelayGeneration> _generations;
    private readonly ILogger _logger;
    private readonly TimeProvider? _time;
    private int _disposed;

    public ReloadingPassThroughRelay(IConfiguration mtaKit, Func<PassThroughRelayOptions, PassThroughRelayOptions>? configure, ILoggerFactory? loggers, TimeProvider? time)
    {
        _logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger("MtaKit.Relay");
        _time = time;
        _generations = new Reloadable<RelayGeneration>(
            mtaKit,
            "MtaKit:Routing",
            errors =>
            {
                var settings = PassThroughRelaySettings.Read(mtaKit, configure);
                errors.AddRange(settings.Errors);
                return errors.Count == 0 ? Build(settings) : null;
            },
            generation => generation.Summary,
            _logger,
            old => _ = old.RetireAsync().AsTask());
    }

    /// <summary>The generation new transactions take.</summary>
    public RelayGeneration Current => _generations.Current;

    /// <summary>1 for the configuration read at start, then one more per applied reload.</summary>
    public int Generation => _generations.Generation;

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

        _generations.Dispose();
        await Current.RetireAsync().ConfigureAwait(false);
    }

    private RelayGeneration Build(PassThroughRelaySettings settings)
    {
        var routes = new RouteTable(settings.Routing);
        var control = new RelayControl(new RelayControlOptions { LocalDomains = routes.AcceptedDomains, RelayNetworks = settings.RelayNetworks });
        var handler = new PassThroughRelayHandler(routes, settings.Relay, settings.Routing.SplitOnRouteChange, _logger, _time);
        return new RelayGeneration($"{settings.Routing.Routes.Count} route(s), {settings.RelayNetworks.Count} relay network(s)", routes, control, handler);
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
