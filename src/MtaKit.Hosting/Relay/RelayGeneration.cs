using MtaKit.Relay;
using MtaKit.Routing;

namespace MtaKit.Hosting;

/// <summary>
/// One version of the relay's configuration: routes, relay control and the relay handler built from
/// them. A transaction keeps the generation it started with; a replaced generation is disposed when
/// its last transaction ends.
/// </summary>
internal sealed class RelayGeneration : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private int _inFlight;
    private bool _retired;
    private bool _disposed;

    public RelayGeneration(string summary, RouteTable routes, RelayControl control, PassThroughRelayHandler handler)
    {
        Summary = summary;
        Routes = routes;
        Control = control;
        Handler = handler;
    }

    /// <summary>What it holds, for the reload log line.</summary>
    public string Summary { get; }

    public RouteTable Routes { get; }

    public RelayControl Control { get; }

    public PassThroughRelayHandler Handler { get; }

    /// <summary>Counts a transaction in; false when the generation is already gone (take the current one).</summary>
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return false;
            }

            _inFlight++;
            return true;
        }
    }

    /// <summary>Counts a transaction out; disposes a replaced generation after its last one.</summary>
    public ValueTask ExitAsync()
    {
        lock (_lock)
        {
            _inFlight--;
            if (!_retired || _inFlight > 0 || _disposed)
            {
                return ValueTask.CompletedTask;
            }

            _disposed = true;
        }

        return Handler.DisposeAsync();
    }

    /// <summary>Marks the generation replaced; disposes it now when no transaction uses it.</summary>
    public ValueTask RetireAsync()
    {
        lock (_lock)
        {
            _retired = true;
            if (_inFlight > 0 || _disposed)
            {
                return ValueTask.CompletedTask;
            }

            _disposed = true;
        }

        return Handler.DisposeAsync();
    }

    public ValueTask DisposeAsync() => RetireAsync();
}
