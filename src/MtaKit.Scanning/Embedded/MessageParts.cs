using System.IO.Compression;
using System.Runtime.CompilerServices;
using MimeKit;

namespace MtaKit.Scanning;

/// <summary>
/// A message read into memory once per <see cref="ScanRequest"/> and shared by every embedded
/// scanner of that request: the raw bytes, every decoded MIME part and the files of attached zip
/// archives (two levels deep, bounded in size against archive bombs).
/// </summary>
internal sealed class MessageParts
{
    /// <summary>The most bytes one archive entry is expanded to.</summary>
    internal const int MaxEntryBytes = 16 * 1024 * 1024;

    /// <summary>The most bytes all archive entries of a message are expanded to.</summary>
    internal const long MaxExpandedBytes = 64 * 1024 * 1024;

    private const int MaxArchiveDepth = 2;

    private static readonly ConditionalWeakTable<ScanRequest, Task<MessageParts>> Cache = [];

    private MessageParts(byte[] raw, IReadOnlyList<DecodedPart> parts, IReadOnlyList<string> notes)
    {
        Raw = raw;
        Parts = parts;
        Notes = notes;
    }

    /// <summary>The message as received.</summary>
    public byte[] Raw { get; }

    /// <summary>Every decoded leaf part and archive entry, in message order.</summary>
    public IReadOnlyList<DecodedPart> Parts { get; }

    /// <summary>What could not be expanded (a corrupt archive, the expansion limit).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The parts of <paramref name="request"/>, parsed on the first call and shared afterwards.</summary>
    public static Task<MessageParts> GetAsync(ScanRequest request)
        => Cache.GetValue(request, static r => LoadAsync(r.Message));

    /// <summary>Reads and decodes <paramref name="content"/>.</summary>
    internal static async Task<MessageParts> LoadAsync(IMessageContent content)
    {
        byte[] raw;
        var stream = content.OpenRead();
        await using (stream.ConfigureAwait(false))
        {
            // Read straight into the one array the scanners share (no growing copy); a content whose
            // Length is off still gets read whole.
            raw = new byte[checked((int)Math.Max(content.Length, 0))];
            var read = await stream.ReadAtLeastAsync(raw, raw.Length, throwOnEndOfStream: false).ConfigureAwait(false);
            if (read < raw.Length)
            {
                raw = raw[..read];
            }
            else
            {
                using var rest = new MemoryStream();
                await stream.CopyToAsync(rest).ConfigureAwait(false);
                if (rest.Length > 0)
                {
                    raw = [.. raw, .. rest.ToArray()];
                }
            }
        }

        var parts = new List<DecodedPart>();
        var notes = new List<string>();
        long expanded = 0;

        // persistent: part contents stay views into raw (kept alive by this object) instead of copies.
        var message = await MimeMessage.LoadAsync(new MemoryStream(raw, writable: false), persistent: true).ConfigureAwait(false);
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

        return new MessageParts(raw, parts, notes);
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
                    parts.Add(new DecodedPart(description, entry.Name, "application/octet-stream", [], true, depth));
                    continue;
                }

                if (expanded >= MaxExpandedBytes)
                {
                    notes.Add($"{description}: not expanded, the message's expansion limit of {MaxExpandedBytes} bytes was reached");
                    parts.Add(new DecodedPart(description, entry.Name, "application/octet-stream", [], false, depth));
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
}
