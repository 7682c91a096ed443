using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit.Queueing;

/// <summary>
/// A spool of plain files. A new message is one queue file, <c>queue/incoming/&lt;id&gt;.q</c> (format 3:
/// the envelope, then the message bytes, as Postfix's queue file), so a store costs one file fsync and
/// a share of the incoming directory's fsync, which every concurrent store shares (group commit). The
/// first update moves the queue file to its hashed subdirectory <c>queue/&lt;xx&gt;/</c> beside
/// <c>&lt;id&gt;.upd</c>, the current envelope, rewritten after each attempt; the incoming directory holds only
/// messages not yet retried. Spools of formats 1 and 2 (<c>&lt;id&gt;.msg</c> with the message bytes and
/// <c>&lt;id&gt;.env</c> with the envelope, in the hashed subdirectories) are still read, updated and
/// delivered. Each write goes to a temporary name, is fsynced, renamed into place, and the directory is
/// fsynced before the write completes. Deletes are lazy: durable with the directory's next fsync.
/// </summary>
public sealed class FileMessageSpool : IMessageSpool
{
    private const string EnvelopeExtension = ".env";
    private const string MessageExtension = ".msg";
    private const string QueueFileExtension = ".q";
    private const string UpdateExtension = ".upd";
    private const string TempExtension = ".tmp";

    private readonly ISpoolFileSystem fileSystem;
    private readonly ILogger logger;
    private readonly SpoolGroupCommit groupCommit;
    private readonly string queueRoot;
    private readonly string incoming;
    private readonly string corruptRoot;
    private readonly string[] directories;
    private long tempCounter;

    /// <summary>Creates the spool, creating its directories if missing.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="fileSystem">The file system; <see cref="PhysicalSpoolFileSystem.Instance"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger for recovery events.</param>
    public FileMessageSpool(FileMessageSpoolOptions options, ISpoolFileSystem? fileSystem = null, ILogger<FileMessageSpool>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.fileSystem = fileSystem ?? PhysicalSpoolFileSystem.Instance;
        this.logger = logger ?? (ILogger)NullLogger.Instance;
        var root = System.IO.Path.GetFullPath(options.Path);
        queueRoot = System.IO.Path.Combine(root, "queue");
        incoming = System.IO.Path.Combine(queueRoot, "incoming");
        corruptRoot = System.IO.Path.Combine(root, "corrupt");
        groupCommit = new SpoolGroupCommit(this.fileSystem, incoming);
        directories = new string[options.DirectoryCount];
        for (var i = 0; i < directories.Length; i++)
        {
            directories[i] = System.IO.Path.Combine(queueRoot, i.ToString("x2", CultureInfo.InvariantCulture));
            this.fileSystem.CreateDirectory(directories[i]);
        }

        this.fileSystem.CreateDirectory(incoming);
        this.fileSystem.CreateDirectory(corruptRoot);
    }

    // Where an entry lives: a queue file not yet retried (incoming), a queue file moved to its hashed
    // directory with its current envelope beside it, or an entry of formats 1 and 2 (.env + .msg).
    private enum Placement
    {
        None,
        Incoming,
        Hashed,
        Legacy,
    }

    /// <summary>The directory unreadable entries are moved to at recovery.</summary>
    public string CorruptPath => corruptRoot;

    /// <inheritdoc/>
    public async ValueTask StoreAsync(SpoolEntry entry, IMessageContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(content);
        var temp = TempPath(incoming, entry.Id, QueueFileExtension);
        try
        {
            await WriteDurablyAsync(temp, SpoolEntrySerializer.SerializeQueueFileHead(entry), content, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            await groupCommit.CommitAsync(new SpoolCommit(incoming, [SpoolCommitStep.Move(temp, FinalPath(incoming, entry.Id, QueueFileExtension))])).ConfigureAwait(false);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<SpoolEntry?> LoadAsync(QueueId id, CancellationToken cancellationToken = default)
    {
        var entry = await TryLoadAsync(id, cancellationToken).ConfigureAwait(false);

        // Not found: a first update may have moved it out of incoming between the look-up and the read.
        return entry ?? await TryLoadAsync(id, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<SpoolEntry?> TryLoadAsync(QueueId id, CancellationToken cancellationToken)
    {
        var directory = DirectoryOf(id);
        try
        {
            switch (Locate(id))
            {
                case Placement.Incoming:
                    return await ReadQueueFileEnvelopeAsync(FinalPath(incoming, id, QueueFileExtension), cancellationToken).ConfigureAwait(false);
                case Placement.Hashed:
                    var update = FinalPath(directory, id, UpdateExtension);
                    return fileSystem.FileExists(update)
                        ? SpoolEntrySerializer.Deserialize(await ReadAllAsync(update, cancellationToken).ConfigureAwait(false))
                        : await ReadQueueFileEnvelopeAsync(FinalPath(directory, id, QueueFileExtension), cancellationToken).ConfigureAwait(false);
                case Placement.Legacy:
                    return SpoolEntrySerializer.Deserialize(await ReadAllAsync(FinalPath(directory, id, EnvelopeExtension), cancellationToken).ConfigureAwait(false));
                default:
                    return null;
            }
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IMessageContent?> OpenContentAsync(QueueId id, CancellationToken cancellationToken = default)
    {
        var content = await TryOpenContentAsync(id, cancellationToken).ConfigureAwait(false);

        // Not found: a first update may have moved it out of incoming between the look-up and the open.
        return content ?? await TryOpenContentAsync(id, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<IMessageContent?> TryOpenContentAsync(QueueId id, CancellationToken cancellationToken)
    {
        var placement = Locate(id);
        if (placement == Placement.None)
        {
            return null;
        }

        var directory = placement == Placement.Incoming ? incoming : DirectoryOf(id);
        try
        {
            if (placement == Placement.Legacy)
            {
                var message = FinalPath(directory, id, MessageExtension);
                return fileSystem.FileExists(message) ? new SpoolFileContent(fileSystem, message, 0, fileSystem.GetFileLength(message)) : null;
            }

            var path = FinalPath(directory, id, QueueFileExtension);
            long offset;
            var stream = fileSystem.OpenRead(path);
            await using (stream.ConfigureAwait(false))
            {
                (_, offset) = await SpoolEntrySerializer.ReadQueueFileHeadAsync(stream, readEnvelope: false, cancellationToken).ConfigureAwait(false);
            }

            var length = fileSystem.GetFileLength(path) - offset;
            return length >= 0 ? new SpoolFileContent(fileSystem, path, offset, length) : throw new SpoolFormatException("Queue file is shorter than its envelope.");
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateAsync(SpoolEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var directory = DirectoryOf(entry.Id);
        var placement = Locate(entry.Id);
        if (placement == Placement.None)
        {
            return false;
        }

        var extension = placement == Placement.Legacy ? EnvelopeExtension : UpdateExtension;
        var temp = TempPath(directory, entry.Id, extension);
        try
        {
            await WriteDurablyAsync(temp, SpoolEntrySerializer.Serialize(entry), null, cancellationToken).ConfigureAwait(false);
            var replace = SpoolCommitStep.Move(temp, FinalPath(directory, entry.Id, extension), overwrite: true);

            // The first update moves the queue file out of incoming, before its envelope appears beside
            // it: a crash in between leaves the queue file with its stored envelope (the update not done).
            SpoolCommitStep[] steps = placement == Placement.Incoming
                ? [SpoolCommitStep.Move(FinalPath(incoming, entry.Id, QueueFileExtension), FinalPath(directory, entry.Id, QueueFileExtension)), replace]
                : [replace];
            await groupCommit.CommitAsync(new SpoolCommit(directory, steps)).ConfigureAwait(false);
            return true;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(QueueId id, CancellationToken cancellationToken = default)
    {
        var directory = DirectoryOf(id);
        string[] files = Locate(id) switch
        {
            // Queue file first: a crash in between leaves an envelope without queue file, which recovery removes.
            Placement.Incoming => [FinalPath(incoming, id, QueueFileExtension)],
            Placement.Hashed => [FinalPath(directory, id, QueueFileExtension), FinalPath(directory, id, UpdateExtension)],

            // Envelope first: a crash in between leaves a message file without envelope, which recovery removes.
            Placement.Legacy => [FinalPath(directory, id, EnvelopeExtension), FinalPath(directory, id, MessageExtension)],
            _ => [],
        };
        if (files.Length == 0)
        {
            return ValueTask.FromResult(false);
        }

        // No directory fsync of its own (a lazy delete): the unlinks become durable with the next fsync of
        // the directory (a later store's or update's group commit) or the file system's own writeback. A
        // power loss before that resurrects the whole entry, which is then delivered again: a duplicate,
        // never a loss.
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var file in files)
        {
            fileSystem.DeleteFile(file);
        }

        QueueingMetrics.LazyDelete();
        return ValueTask.FromResult(true);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SpoolEntry> RecoverAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var count = 0;
        await foreach (var entry in RecoverIncomingAsync(cancellationToken).ConfigureAwait(false))
        {
            count++;
            yield return entry;
        }

        foreach (var directory in directories)
        {
            await foreach (var entry in RecoverDirectoryAsync(directory, cancellationToken).ConfigureAwait(false))
            {
                count++;
                yield return entry;
            }
        }

        SpoolLog.Recovered(logger, count, queueRoot);
    }

    private async IAsyncEnumerable<SpoolEntry> RecoverIncomingAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var changed = false;
        foreach (var file in fileSystem.EnumerateFiles(incoming).ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file.EndsWith(TempExtension, StringComparison.Ordinal))
            {
                // A store that never committed: nobody got a 250 for it.
                changed |= TryCleanUp(file, f => fileSystem.DeleteFile(f));
            }
            else if (file.EndsWith(QueueFileExtension, StringComparison.Ordinal))
            {
                var name = System.IO.Path.GetFileName(file)[..^QueueFileExtension.Length];
                if (QueueId.TryParse(name, out var id) && fileSystem.FileExists(FinalPath(DirectoryOf(id), id, QueueFileExtension)))
                {
                    // The name a first update's rename left behind when a power loss kept the old directory
                    // entry: the moved file in the hashed directory is the entry.
                    changed |= TryCleanUp(file, f => fileSystem.DeleteFile(f));
                    continue;
                }

                var (entry, problem) = await TryReadQueueFileAsync(file, null, cancellationToken).ConfigureAwait(false);
                if (entry is not null)
                {
                    yield return entry;
                }
                else
                {
                    changed |= SetAsideCorrupt(file, [file], problem!);
                }
            }
        }

        if (changed)
        {
            TryCleanUp(incoming, d => fileSystem.FlushDirectory(d));
        }
    }

    private async IAsyncEnumerable<SpoolEntry> RecoverDirectoryAsync(string directory, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var envelopes = new List<string>();
        var queueFiles = new List<string>();
        var messages = new HashSet<string>(StringComparer.Ordinal);
        var updates = new HashSet<string>(StringComparer.Ordinal);
        var changed = false;
        foreach (var file in fileSystem.EnumerateFiles(directory).ToList())
        {
            if (file.EndsWith(TempExtension, StringComparison.Ordinal))
            {
                // A write that never committed: its store or update never completed, so nobody got a 250 for it.
                changed |= TryCleanUp(file, f => fileSystem.DeleteFile(f));
            }
            else if (file.EndsWith(EnvelopeExtension, StringComparison.Ordinal))
            {
                envelopes.Add(file);
            }
            else if (file.EndsWith(MessageExtension, StringComparison.Ordinal))
            {
                messages.Add(file);
            }
            else if (file.EndsWith(QueueFileExtension, StringComparison.Ordinal))
            {
                queueFiles.Add(file);
            }
            else if (file.EndsWith(UpdateExtension, StringComparison.Ordinal))
            {
                updates.Add(file);
            }
        }

        foreach (var queueFile in queueFiles)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var updatePath = queueFile[..^QueueFileExtension.Length] + UpdateExtension;
            var update = updates.Remove(updatePath) ? updatePath : null;
            var (entry, problem) = await TryReadQueueFileAsync(queueFile, update, cancellationToken).ConfigureAwait(false);
            if (entry is not null)
            {
                yield return entry;
            }
            else
            {
                changed |= SetAsideCorrupt(queueFile, update is null ? [queueFile] : [queueFile, update], problem!);
            }
        }

        foreach (var envelopePath in envelopes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var messagePath = envelopePath[..^EnvelopeExtension.Length] + MessageExtension;
            messages.Remove(messagePath);
            var (entry, problem) = await TryReadEntryAsync(envelopePath, messagePath, cancellationToken).ConfigureAwait(false);
            if (entry is not null)
            {
                yield return entry;
            }
            else
            {
                changed |= SetAsideCorrupt(envelopePath, [envelopePath, messagePath], problem!);
            }
        }

        // Message bytes without an envelope (a store of format 1 or 2 interrupted before its envelope was
        // renamed into place, or a delete interrupted after the envelope went), or an envelope without its
        // queue file (a delete interrupted after the queue file went): neither is a queued message.
        foreach (var orphan in messages.Concat(updates))
        {
            changed |= TryCleanUp(orphan, f => fileSystem.DeleteFile(f));
        }

        if (changed)
        {
            TryCleanUp(directory, d => fileSystem.FlushDirectory(d));
        }
    }

    private bool SetAsideCorrupt(string path, string[] files, string problem)
    {
        QueueingMetrics.CorruptEntry();
        var setAside = TryCleanUp(path, _ => SetAside(files));
        if (setAside)
        {
            SpoolLog.CorruptEntry(logger, path, corruptRoot, problem);
        }

        return setAside;
    }

    private async ValueTask<(SpoolEntry? Entry, string? Problem)> TryReadQueueFileAsync(string queueFile, string? update, CancellationToken cancellationToken)
    {
        try
        {
            var stored = await ReadQueueFileEnvelopeAsync(queueFile, cancellationToken).ConfigureAwait(false);
            var entry = update is null ? stored : SpoolEntrySerializer.Deserialize(await ReadAllAsync(update, cancellationToken).ConfigureAwait(false));
            if (!string.Equals(System.IO.Path.GetFileName(queueFile), stored.Id + QueueFileExtension, StringComparison.OrdinalIgnoreCase) || entry.Id != stored.Id)
            {
                return (null, $"the queue file names queue id {stored.Id}, not its file name");
            }

            var directory = System.IO.Path.GetDirectoryName(queueFile);
            if (!string.Equals(directory, incoming, StringComparison.Ordinal) && !string.Equals(directory, DirectoryOf(entry.Id), StringComparison.Ordinal))
            {
                return (null, "the entry is in the wrong hash directory (was the DirectoryCount changed?)");
            }

            return (entry, null);
        }
        catch (SpoolFormatException ex)
        {
            return (null, ex.Message);
        }
        catch (IOException ex)
        {
            return (null, ex.Message);
        }
    }

    private async ValueTask<(SpoolEntry? Entry, string? Problem)> TryReadEntryAsync(string envelopePath, string messagePath, CancellationToken cancellationToken)
    {
        try
        {
            var entry = SpoolEntrySerializer.Deserialize(await ReadAllAsync(envelopePath, cancellationToken).ConfigureAwait(false));
            var expectedName = entry.Id + EnvelopeExtension;
            if (!string.Equals(System.IO.Path.GetFileName(envelopePath), expectedName, StringComparison.OrdinalIgnoreCase))
            {
                return (null, $"the envelope names queue id {entry.Id}, not its file name");
            }

            if (!string.Equals(envelopePath, FinalPath(DirectoryOf(entry.Id), entry.Id, EnvelopeExtension), StringComparison.Ordinal))
            {
                return (null, "the entry is in the wrong hash directory (was the DirectoryCount changed?)");
            }

            if (!fileSystem.FileExists(messagePath))
            {
                return (null, "the message file is missing");
            }

            return (entry, null);
        }
        catch (SpoolFormatException ex)
        {
            return (null, ex.Message);
        }
        catch (IOException ex)
        {
            return (null, ex.Message);
        }
    }

    // Recovery never throws for one file: a failure is logged and the rest of the spool still loads.
    private bool TryCleanUp(string path, Action<string> action)
    {
        try
        {
            action(path);
            if (path.EndsWith(TempExtension, StringComparison.Ordinal) || path.EndsWith(MessageExtension, StringComparison.Ordinal) || path.EndsWith(UpdateExtension, StringComparison.Ordinal))
            {
                SpoolLog.RemovedPartialWrite(logger, path);
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SpoolLog.CleanupFailed(logger, path, ex.Message);
            return false;
        }
    }

    private void SetAside(string[] files)
    {
        foreach (var path in files)
        {
            if (fileSystem.FileExists(path))
            {
                var stamp = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(path)) + "-";
                fileSystem.MoveFile(path, System.IO.Path.Combine(corruptRoot, stamp + System.IO.Path.GetFileName(path)), overwrite: true);
            }
        }

        fileSystem.FlushDirectory(corruptRoot);
    }

    // Writes the head bytes, then the content if any, and fsyncs the file.
    private async ValueTask WriteDurablyAsync(string path, byte[] head, IMessageContent? content, CancellationToken cancellationToken)
    {
        var file = fileSystem.CreateFile(path);
        await using (file.ConfigureAwait(false))
        {
            await file.WriteAsync(head, cancellationToken).ConfigureAwait(false);
            if (content is not null)
            {
                var source = content.OpenRead();
                await using (source.ConfigureAwait(false))
                {
                    await source.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                }
            }

            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            fileSystem.FlushFile(file);
        }
    }

    private async ValueTask<SpoolEntry> ReadQueueFileEnvelopeAsync(string path, CancellationToken cancellationToken)
    {
        var stream = fileSystem.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            var (entry, _) = await SpoolEntrySerializer.ReadQueueFileHeadAsync(stream, readEnvelope: true, cancellationToken).ConfigureAwait(false);
            return entry!;
        }
    }

    // Incoming before the hashed directory: queue files only move that way, so an entry moved by a
    // concurrent first update is still found (in its new place). Recovery has removed any old incoming
    // name a power loss kept before the first call.
    private Placement Locate(QueueId id)
    {
        var directory = DirectoryOf(id);
        return fileSystem.FileExists(FinalPath(incoming, id, QueueFileExtension)) ? Placement.Incoming
            : fileSystem.FileExists(FinalPath(directory, id, QueueFileExtension)) ? Placement.Hashed
            : fileSystem.FileExists(FinalPath(directory, id, EnvelopeExtension)) ? Placement.Legacy
            : Placement.None;
    }

    private async ValueTask<byte[]> ReadAllAsync(string path, CancellationToken cancellationToken)
    {
        var stream = fileSystem.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            fileSystem.DeleteFile(path);
        }
        catch (IOException)
        {
            // Recovery removes leftover temporary files.
        }
    }

    private string DirectoryOf(QueueId id) => directories[(int)(id.Value % (uint)directories.Length)];

    private static string FinalPath(string directory, QueueId id, string extension) => System.IO.Path.Combine(directory, id + extension);

    private string TempPath(string directory, QueueId id, string extension)
        => System.IO.Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{id}{extension}.{Interlocked.Increment(ref tempCounter)}{TempExtension}"));
}
