namespace MtaKit.Queueing;

/// <summary>
/// Durable storage for queued messages: the message bytes, written once, and the envelope with the
/// queue's bookkeeping, rewritten after each attempt. Every write is durable when its task completes,
/// so a tier may answer 250 only after <see cref="StoreAsync"/> returned.
/// </summary>
public interface IMessageSpool
{
    /// <summary>Stores a new message durably (file and directory fsynced) before completing.</summary>
    /// <param name="entry">The envelope and bookkeeping; its <see cref="SpoolEntry.Id"/> must be new.</param>
    /// <param name="content">The message bytes, stored exactly.</param>
    /// <param name="cancellationToken">Cancels the write; a cancelled store leaves nothing behind.</param>
    ValueTask StoreAsync(SpoolEntry entry, IMessageContent content, CancellationToken cancellationToken = default);

    /// <summary>Loads an entry's envelope and bookkeeping, or <see langword="null"/> if it is not in the spool.</summary>
    /// <param name="id">The queue id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="SpoolFormatException">The stored envelope cannot be read.</exception>
    ValueTask<SpoolEntry?> LoadAsync(QueueId id, CancellationToken cancellationToken = default);

    /// <summary>Opens the message bytes of an entry, or <see langword="null"/> if it is not in the spool.</summary>
    /// <param name="id">The queue id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<IMessageContent?> OpenContentAsync(QueueId id, CancellationToken cancellationToken = default);

    /// <summary>Replaces an entry's envelope and bookkeeping durably (atomic: the old or the new version survives a crash).</summary>
    /// <param name="entry">The new version.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="false"/> when the entry is not in the spool (nothing written).</returns>
    ValueTask<bool> UpdateAsync(SpoolEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes an entry and its message bytes. The removal need not be durable when the task completes
    /// (deletes follow a delivery, so they need no fsync of their own): a crash may resurrect the whole
    /// entry, which is then delivered again (a duplicate, as with Postfix), never a torn one.
    /// </summary>
    /// <param name="id">The queue id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when the entry was not in the spool.</returns>
    ValueTask<bool> DeleteAsync(QueueId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Recovery at start: cleans up writes a crash interrupted, sets aside unreadable entries (never
    /// throwing for one), and returns every queued entry so the scheduler can be rebuilt. Call it
    /// once at start, before the first store: it removes unfinished writes, including any in flight.
    /// </summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    IAsyncEnumerable<SpoolEntry> RecoverAsync(CancellationToken cancellationToken = default);
}
