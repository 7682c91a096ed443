using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit.Queueing;

/// <summary>
/// A spool of plain files: <c>queue/&lt;xx&gt;/&lt;id&gt;.msg</c> holds the message bytes and
/// <c>&lt;id&gt;.env</c> the envelope (a versioned header and JSON), spread over hashed
/// subdirectories. Each write goes to a temporary name, is fsynced, renamed into place, and the
/// directory is fsynced; concurrent writes share directory fsyncs (group commit). The envelope is
/// renamed into place last, so its presence marks a complete entry.
/// </summary>
public sealed class FileMessageSpool : IMessageSpool
{
    private const string EnvelopeExtension = ".env";
    private const string MessageExtension = ".msg";
    private const string TempExtension = ".tmp";

    private readonly ISpoolFileSystem fileSystem;
    private readonly ILogger logger;
    private readonly SpoolGroupCommit groupCommit;
    private readonly string queueRoot;
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
        groupCommit = new SpoolGroupCommit(this.fileSystem);
        var root = System.IO.Path.GetFullPath(options.Path);
        queueRoot = System.IO.Path.Combine(root, "queue");
        corruptRoot = System.IO.Path.Combine(root, "corrupt");
        directories = new string[options.DirectoryCount];
        for (var i = 0; i < directories.Length; i++)
        {
            directories[i] = System.IO.Path.Combine(queueRoot, i.ToString("x2", CultureInfo.InvariantCulture));
            this.fileSystem.CreateDirectory(directories[i]);
        }

        this.fileSystem.CreateDirectory(corruptRoot);
    }

    /// <summary>The directory unreadable entries are moved to at recovery.</summary>
    public string CorruptPath => corruptRoot;

    /// <inheritdoc/>
    public async ValueTask StoreAsync(SpoolEntry entry, IMessageContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(content);
        var directory = DirectoryOf(entry.Id);
        var messageTemp = TempPath(directory, entry.Id, MessageExtension);
        var envelopeTemp = TempPath(directory, entry.Id, EnvelopeExtension);
        try
        {
            await WriteDurablyAsync(messageTemp, content, null, cancellationToken).ConfigureAwait(false);
            await WriteDurablyAsync(envelopeTemp, null, SpoolEntrySerializer.Serialize(entry), cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            await groupCommit.CommitAsync(new SpoolCommit(directory,
            [
                SpoolCommitStep.Move(messageTemp, FinalPath(directory, entry.Id, MessageExtension)),
                SpoolCommitStep.Move(envelopeTemp, FinalPath(directory, entry.Id, EnvelopeExtension)),
            ])).ConfigureAwait(false);
        }
        catch
        {
            TryDelete(messageTemp);
            TryDelete(envelopeTemp);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<SpoolEntry?> LoadAsync(QueueId id, CancellationToken cancellationToken = default)
    {
        var path = FinalPath(DirectoryOf(id), id, EnvelopeExtension);
        if (!fileSystem.FileExists(path))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = await ReadAllAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        return SpoolEntrySerializer.Deserialize(bytes);
    }

    /// <inheritdoc/>
    public ValueTask<IMessageContent?> OpenContentAsync(QueueId id, CancellationToken cancellationToken = default)
    {
        var path = FinalPath(DirectoryOf(id), id, MessageExtension);
        return ValueTask.FromResult<IMessageContent?>(
            fileSystem.FileExists(path) ? new SpoolFileContent(fileSystem, path, fileSystem.GetFileLength(path)) : null);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateAsync(SpoolEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var directory = DirectoryOf(entry.Id);
        var final = FinalPath(directory, entry.Id, EnvelopeExtension);
        if (!fileSystem.FileExists(final))
        {
            return false;
        }

        var temp = TempPath(directory, entry.Id, EnvelopeExtension);
        try
        {
            await WriteDurablyAsync(temp, null, SpoolEntrySerializer.Serialize(entry), cancellationToken).ConfigureAwait(false);
            await groupCommit.CommitAsync(new SpoolCommit(directory, [SpoolCommitStep.Move(temp, final, overwrite: true)])).ConfigureAwait(false);
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
        var envelope = FinalPath(directory, id, EnvelopeExtension);
        if (!fileSystem.FileExists(envelope))
        {
            return ValueTask.FromResult(false);
        }

        // Envelope first: a crash in between leaves a message file without envelope, which recovery removes.
        // No directory fsync of its own (a lazy delete): the unlinks become durable with the next fsync of
        // this directory (a later store's group commit) or the file system's own writeback. A power loss
        // before that resurrects the whole entry, which is then delivered again: a duplicate, never a loss.
        cancellationToken.ThrowIfCancellationRequested();
        fileSystem.DeleteFile(envelope);
        fileSystem.DeleteFile(FinalPath(directory, id, MessageExtension));
        QueueingMetrics.LazyDelete();
        return ValueTask.FromResult(true);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SpoolEntry> RecoverAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var count = 0;
        foreach (var directory in directories)
        {
            var envelopes = new List<string>();
            var messages = new HashSet<string>(StringComparer.Ordinal);
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
            }

            foreach (var envelopePath in envelopes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var messagePath = envelopePath[..^EnvelopeExtension.Length] + MessageExtension;
                messages.Remove(messagePath);
                var (entry, problem) = await TryReadEntryAsync(envelopePath, messagePath, cancellationToken).ConfigureAwait(false);
                if (entry is not null)
                {
                    count++;
                    yield return entry;
                }
                else
                {
                    QueueingMetrics.CorruptEntry();
                    var setAside = TryCleanUp(envelopePath, _ => SetAside(envelopePath, messagePath));
                    if (setAside)
                    {
                        SpoolLog.CorruptEntry(logger, envelopePath, corruptRoot, problem!);
                    }

                    changed |= setAside;
                }
            }

            foreach (var orphan in messages)
            {
                // Message bytes without an envelope: a store interrupted before its envelope was renamed
                // into place, or a delete interrupted after the envelope went. Neither is a queued message.
                changed |= TryCleanUp(orphan, f => fileSystem.DeleteFile(f));
            }

            if (changed)
            {
                TryCleanUp(directory, d => fileSystem.FlushDirectory(d));
            }
        }

        SpoolLog.Recovered(logger, count, queueRoot);
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
            if (path.EndsWith(TempExtension, StringComparison.Ordinal) || path.EndsWith(MessageExtension, StringComparison.Ordinal))
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

    private void SetAside(string envelopePath, string messagePath)
    {
        var stamp = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(envelopePath)) + "-";
        foreach (var path in new[] { envelopePath, messagePath })
        {
            if (fileSystem.FileExists(path))
            {
                fileSystem.MoveFile(path, System.IO.Path.Combine(corruptRoot, stamp + System.IO.Path.GetFileName(path)), overwrite: true);
            }
        }

        fileSystem.FlushDirectory(corruptRoot);
    }

    private async ValueTask WriteDurablyAsync(string path, IMessageContent? content, byte[]? bytes, CancellationToken cancellationToken)
    {
        var file = fileSystem.CreateFile(path);
        await using (file.ConfigureAwait(false))
        {
            if (content is not null)
            {
                var source = content.OpenRead();
                await using (source.ConfigureAwait(false))
                {
                    await source.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                await file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            }

            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            fileSystem.FlushFile(file);
        }
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
