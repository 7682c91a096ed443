using System.Diagnostics.CodeAnalysis;

namespace MtaKit;

/// <summary>
/// A connection rented from a <see cref="SmtpClientPool"/>, or the reason there is none. Dispose it
/// to give the connection back (pooled when still usable and outside a transaction, else closed).
/// </summary>
public sealed class SmtpClientLease : IAsyncDisposable
{
    private readonly SmtpClientPool _pool;
    private readonly object _slot;
    private int _returned;

    internal SmtpClientLease(SmtpClientPool pool, object slot, SmtpClientConnection? connection, SmtpReply? failure, bool isFailurePeerReply, bool isReused)
    {
        _pool = pool;
        _slot = slot;
        Connection = connection;
        Failure = failure;
        IsFailurePeerReply = isFailurePeerReply;
        IsReused = isReused;
    }

    /// <summary>True when <see cref="Connection"/> is ready.</summary>
    [MemberNotNullWhen(true, nameof(Connection))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Connection is not null;

    /// <summary>The connection, or <see langword="null"/> when connecting failed.</summary>
    public SmtpClientConnection? Connection { get; }

    /// <summary>Why there is no connection, or <see langword="null"/>.</summary>
    public SmtpReply? Failure { get; }

    /// <summary>Whether <see cref="Failure"/> came from the peer (false: the client made it).</summary>
    public bool IsFailurePeerReply { get; }

    /// <summary>Whether the connection was reused from the pool rather than opened for this lease.</summary>
    public bool IsReused { get; }

    /// <summary>Gives the connection back to the pool.</summary>
    public ValueTask DisposeAsync()
        => Interlocked.Exchange(ref _returned, 1) == 0 ? _pool.ReturnAsync(_slot, Connection) : ValueTask.CompletedTask;
}
