namespace MtaKit;

/// <summary>
/// A connection's reusable deadline for one exchange at a time: one <see cref="CancellationTokenSource"/>
/// re-armed with <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> and reset after each
/// exchange, cancelled also by the caller's and the transaction's tokens through registrations (whose
/// nodes the runtime recycles). Replaces a timer source and a linked source per command, which were
/// about 600 bytes per exchange on the relay path.
/// </summary>
internal sealed class CommandDeadline(TimeProvider time) : IDisposable
{
    private static readonly Action<object?> CancelSource = static s => ((CancellationTokenSource)s!).Cancel();
    private CancellationTokenSource? _source;
    private CancellationTokenRegistration _caller;
    private CancellationTokenRegistration _transaction;

    /// <summary>Arms the deadline; the token is cancelled after <paramref name="timeout"/> or when either token is.</summary>
    public CancellationToken Arm(TimeSpan timeout, CancellationToken caller, CancellationToken transaction)
    {
        var source = _source ??= new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        source.CancelAfter(timeout);
        _caller = caller.UnsafeRegister(CancelSource, source);
        _transaction = transaction.UnsafeRegister(CancelSource, source);
        return source.Token;
    }

    /// <summary>Restarts the armed deadline (a new data block).</summary>
    public void Extend(TimeSpan timeout) => _source?.CancelAfter(timeout);

    /// <summary>Ends the exchange: drops the registrations and resets the source for the next one (a fired source is replaced).</summary>
    public void Disarm()
    {
        _caller.Dispose();
        _transaction.Dispose();
        _caller = default;
        _transaction = default;
        if (_source is not { } source)
        {
            return;
        }

        bool reset;
        try
        {
            reset = source.TryReset();
        }
        catch (ObjectDisposedException)
        {
            reset = false;
        }

        if (!reset)
        {
            source.Dispose();
            _source = null;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _caller.Dispose();
        _transaction.Dispose();
        _source?.Dispose();
        _source = null;
    }
}
