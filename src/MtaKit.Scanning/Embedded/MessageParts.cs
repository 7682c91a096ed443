using System.Buffers;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using MimeKit;

namespace MtaKit.Scanning;

/// <summary>
/// A message read into memory once per <see cref="ScanRequest"/> and shared by every embedded
/// scanner of that request: the raw bytes, every decoded MIME part and the files of attached zip
/// archives (two levels deep, bounded in size against archive bombs). A message that is one text
/// part in an identity transfer encoding (7bit, 8bit, binary; no file name) is not MIME-parsed at all:
/// its one part is a view of the raw body, found from the raw header bytes (<see cref="SinglePartHeader"/>).
/// The raw bytes of messages up to <see cref="MaxPooledBytes"/> live in a pooled array, returned when
/// the last user of the request's parts lets go (<see cref="Acquire"/>, <see cref="Release"/>): a
/// <see cref="ScannerSet"/> holds them across all its scanners, so they share one read; a scanner
/// called on its own holds them for its own scan.
/// </summary>
internal sealed class MessageParts
{
    /// <summary>The most bytes one archive entry is expanded to.</summary>
    internal const int MaxEntryBytes = 16 * 1024 * 1024;

    /// <summary>The most bytes all archive entries of a message are expanded to.</summary>
    internal const long MaxExpandedBytes = 64 * 1024 * 1024;

    /// <summary>Messages up to this size are read into a pooled array; larger ones into their own.</summary>
    internal const int MaxPooledBytes = 1024 * 1024;

    private const int MaxArchiveDepth = 2;

    private static readonly ConditionalWeakTable<ScanRequest, Lease> Leases = [];

    private byte[]? _pooled;

    private MessageParts(byte[] buffer, int length, bool pooled, IReadOnlyList<DecodedPart> parts, IReadOnlyList<string> notes, bool mimeParsed)
    {
        Raw = buffer.AsMemory(0, length);
        _pooled = pooled ? buffer : null;
        Parts = parts;
        Notes = notes;
        MimeParsed = mimeParsed;
    }

    /// <summary>The message as received.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>Every decoded leaf part and archive entry, in message order.</summary>
    public IReadOnlyList<DecodedPart> Parts { get; }

    /// <summary>What could not be expanded (a corrupt archive, the expansion limit).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Whether the message went through the MIME parser (false: the single-part fast path).</summary>
    public bool MimeParsed { get; }

    /// <summary>
    /// Starts using the parts of <paramref name="request"/>: every <see cref="Acquire"/> is paired with a
    /// <see cref="Release"/>; the parts are read on the first <see cref="Lease.GetAsync"/> and shared
    /// by every user until the last one releases them.
    /// </summary>
    public static Lease Acquire(ScanRequest request)
    {
        while (true)
        {
            var lease = Leases.GetValue(request, static r => new Lease(r));
            lock (lease)
            {
                if (!lease.Ended)
                {
                    lease.Users++;
                    return lease;
                }
            }

            // the last user just let go of this one (and unmapped it): take a fresh one
        }
    }

    /// <summary>
    /// Stops using <paramref name="lease"/>. The last user unmaps it and returns the pooled array, unless
    /// the read is still running (a scan cancelled mid-read): then the array is left to the collector.
    /// </summary>
    public static void Release(Lease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        Task<MessageParts>? load;
        lock (lease)
        {
            if (--lease.Users > 0)
            {
                return;
            }

            lease.Ended = true;
            Leases.Remove(lease.Request);
            load = lease.Load;
        }

        if (load is { IsCompletedSuccessfully: true })
        {
            var parts = load.Result; // completed successfully: no wait
            if (Interlocked.Exchange(ref parts._pooled, null) is { } array)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }

    /// <summary>Reads and decodes <paramref name="content"/>.</summary>
    /// <param name="content">The message.</param>
    /// <param name="forceMimeParse">Parse with MimeKit even when the single-part fast path applies (tests compare both).</param>
    internal static async Task<MessageParts> LoadAsync(IMessageContent content, bool forceMimeParse = false)
    {
        var (buffer, length, pooled) = await ReadAllAsync(content).ConfigureAwait(false);
        try
        {
            var raw = buffer.AsMemory(0, length);
            if (!forceMimeParse && SinglePartHeader.TryRead(raw.Span, out var bodyStart, out var mimeType, out var description))
            {
                var body = raw[bodyStart..];
                var part = new DecodedPart(description, null, mimeType, body, false, 0);
                if (!LooksLikeZip(body.Span))
                {
                    return new MessageParts(buffer, length, pooled, [part], [], mimeParsed: false);
                }

                var notes = new List<string>();
                long expanded = 0;
                List<DecodedPart> parts = [part];
                ExpandArchive(body.ToArray(), description, 1, parts, notes, ref expanded);
                return new MessageParts(buffer, length, pooled, parts, notes, mimeParsed: false);
            }

            var (decoded, parseNotes) = await ParseAsync(buffer, length).ConfigureAwait(false);
            return new MessageParts(buffer, length, pooled, decoded, parseNotes, mimeParsed: true);
        }
        catch
        {
            if (pooled)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            throw;
        }
    }

    /// <summary>Reads the whole content into one array (pooled up to <see cref="MaxPooledBytes"/>); a content whose Length is off still gets read whole.</summary>
    private static async ValueTask<(byte[] Buffer, int Length, bool Pooled)> ReadAllAsync(IMessageContent content)
    {
        // one byte more than announced, so that the end shows without a second buffer
        var size = checked((int)Math.Max(content.Length, 0) + 1);
        var pooled = size <= MaxPooledBytes;
        var buffer = pooled ? ArrayPool<byte>.Shared.Rent(size) : new byte[size];
        var length = 0;
        try
        {
            var stream = content.OpenRead();
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(length)).ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (length == buffer.Length)
                    {
                        var larger = new byte[checked(buffer.Length * 2)];
                        buffer.AsSpan(0, length).CopyTo(larger);
                        if (pooled)
                        {
                            ArrayPool<byte>.Shared.Return(buffer);
                        }

                        (buffer, pooled) = (larger, false);
                    }
                }
            }

            return (buffer, length, pooled);
        }
        catch
        {
            if (pooled)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            throw;
        }
    }

    private static async Task<(List<DecodedPart> Parts, List<string> Notes)> ParseAsync(byte[] buffer, int length)
    {
        var parts = new List<DecodedPart>();
        var notes = new List<string>();
        long expanded = 0;

        // persistent: part contents stay views into raw (kept alive by this object) instead of copies.
        var message = await MimeMessage.LoadAsync(new MemoryStream(buffer, 0, length, writable: false), persistent: true).ConfigureAwait(false);
        using var iterator = new MimeIterator(message);
        var index = 0;
        while (iterator.MoveNext())
        {
            if (iterator.Current is not MimePart part)
            {
                continue;
            }

            index++;
            // Sized to the encoded length (the decoded one is at most that), so the stream never grows;
            // when they are equal (7bit, 8bit, binary) its buffer is the part's bytes as they are.
            var encodedLength = part.Content?.Stream is { CanSeek: true } encoded ? encoded.Length : 0;
            using var decoded = new MemoryStream(checked((int)encodedLength));
            if (part.Content is not null)
            {
                await part.Content.DecodeToAsync(decoded).ConfigureAwait(false);
            }

            var fileName = part.FileName;
            var description = fileName is null ? $"part {index} ({part.ContentType.MimeType})" : $"attachment '{fileName}'";
            var bytes = decoded.Length == decoded.Capacity ? decoded.GetBuffer() : decoded.ToArray();
            parts.Add(new DecodedPart(description, fileName, part.ContentType.MimeType.ToLowerInvariant(), bytes, false, 0));
            ExpandArchive(bytes, fileName ?? description, 1, parts, notes, ref expanded);
        }

        return (parts, notes);
    }

    /// <summary>True when <paramref name="bytes"/> starts like a zip file (local header or empty archive).</summary>
    internal static bool LooksLikeZip(ReadOnlySpan<byte> bytes)
        => bytes.StartsWith("PK\x03\x04"u8) || bytes.StartsWith("PK\x05\x06"u8);

    private static void ExpandArchive(byte[] bytes, string name, int depth, List<DecodedPart> parts, List<string> notes, ref long expanded)
    {
        if (depth > MaxArchiveDepth || !LooksLikeZip(bytes))
        {
            return;
        }

        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/'))
                {
                    continue;
                }

                var description = $"'{entry.FullName}' in '{name}'";
                if (entry.IsEncrypted)
                {
                    parts.Add(new DecodedPart(description, entry.Name, "application/octet-stream", ReadOnlyMemory<byte>.Empty, true, depth));
                    continue;
                }

                if (expanded >= MaxExpandedBytes)
                {
                    notes.Add($"{description}: not expanded, the message's expansion limit of {MaxExpandedBytes} bytes was reached");
                    parts.Add(new DecodedPart(description, entry.Name, "application/octet-stream", ReadOnlyMemory<byte>.Empty, false, depth));
                    continue;
                }

                var content = ReadBounded(entry, (int)Math.Min(MaxEntryBytes, MaxExpandedBytes - expanded));
                expanded += content.Length;
                parts.Add(new DecodedPart(description, entry.Name, "application/octet-stream", content, false, depth));
                ExpandArchive(content, entry.FullName, depth + 1, parts, notes, ref expanded);
            }
        }
        catch (InvalidDataException e)
        {
            notes.Add($"'{name}': not a readable zip archive ({e.Message})");
        }
    }

    private static byte[] ReadBounded(ZipArchiveEntry entry, int limit)
    {
        using var source = entry.Open();
        using var target = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while (target.Length < limit && (n = source.Read(buffer, 0, (int)Math.Min(buffer.Length, limit - target.Length))) > 0)
        {
            target.Write(buffer, 0, n);
        }

        return target.ToArray();
    }

    /// <summary>The users of one request's parts (see <see cref="Acquire"/>); guarded by its own lock.</summary>
    internal sealed class Lease
    {
        internal Lease(ScanRequest request) => Request = request;

        internal ScanRequest Request { get; }

        internal Task<MessageParts>? Load { get; set; }

        internal int Users { get; set; }

        internal bool Ended { get; set; }

        /// <summary>The parts, read on the first call (by whichever user comes first) and shared afterwards.</summary>
        public Task<MessageParts> GetAsync()
        {
            lock (this)
            {
                return Load ??= LoadAsync(Request.Message);
            }
        }
    }
}
