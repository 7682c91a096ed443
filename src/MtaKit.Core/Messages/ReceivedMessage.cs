using System.Text;
using MimeKit;

namespace MtaKit.Messages;

/// <summary>
/// A received message: header fields added by the engine and stages, in front of the original
/// bytes held in a <see cref="MessageBuffer"/>.
/// </summary>
internal sealed class ReceivedMessage : IMessageContent, IDisposable
{
    private readonly MessageBuffer _body;
    private readonly List<(string Name, string Value)> _added = [];
    private readonly List<(string Name, Func<string, bool>? Predicate)> _removals = [];
    private List<(long Start, long Length)>? _kept;
    private byte[]? _prefix;
    private HeaderList? _headers;

    public ReceivedMessage(MessageBuffer body)
    {
        _body = body;
    }

    public long Length => Prefix.Length + (_removals.Count == 0 ? _body.Length : Kept.Sum(r => r.Length));

    public long OriginalLength => _body.Length;

    public HeaderList Headers => _headers ??= ParseHeaders();

    private byte[] Prefix => _prefix ??= EncodePrefix();

    public void AddHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in name)
        {
            if (c is <= ' ' or >= (char)127 or ':')
            {
                throw new ArgumentException($"'{name}' is not a header field name.", nameof(name));
            }
        }

        // Folded values are fine (CRLF followed by white space); any other CR or LF is not.
        var v = value.AsSpan();
        for (var i = 0; i < v.Length; i++)
        {
            if (v[i] == '\r' && (i + 2 >= v.Length || v[i + 1] != '\n' || v[i + 2] is not (' ' or '\t')) || v[i] == '\n' && (i == 0 || v[i - 1] != '\r'))
            {
                throw new ArgumentException("A header value may contain CRLF only as folding (CRLF followed by white space).", nameof(value));
            }
        }

        _added.Add((name, value));
        _prefix = null;
    }

    /// <summary>Puts a header field above all others (the Received trace header).</summary>
    public void PrependHeader(string name, string value)
    {
        AddHeader(name, value);
        var last = _added[^1];
        _added.RemoveAt(_added.Count - 1);
        _added.Insert(0, last);
    }

    public Stream OpenRead() => new ConcatenatedStream(Prefix, _removals.Count == 0 ? _body.OpenRead() : new RangeStream(_body, Kept));

    /// <summary>Drops header fields of the original header section by name (and value predicate) from what is delivered.</summary>
    public void RemoveHeaders(string name, Func<string, bool>? predicate)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _removals.Add((name, predicate));
        _kept = null;
    }

    private List<(long Start, long Length)> Kept => _kept ??= ComputeKept();

    // The added fields ("name: value" CRLF) encoded straight into one array: no string per field and
    // no concatenated string of them all (stages that add fields after a scan read the message make the
    // prefix twice).
    private byte[] EncodePrefix()
    {
        var length = 0;
        foreach (var (name, value) in _added)
        {
            length += Encoding.UTF8.GetByteCount(name) + 2 + Encoding.UTF8.GetByteCount(value) + 2;
        }

        var prefix = new byte[length];
        var written = 0;
        foreach (var (name, value) in _added)
        {
            written += Encoding.UTF8.GetBytes(name, prefix.AsSpan(written));
            ": "u8.CopyTo(prefix.AsSpan(written));
            written += 2;
            written += Encoding.UTF8.GetBytes(value, prefix.AsSpan(written));
            "\r\n"u8.CopyTo(prefix.AsSpan(written));
            written += 2;
        }

        return prefix;
    }

    // The original header section is scanned field by field (a field = its first line and the
    // continuation lines that start with SP or HT); removed fields become gaps in the byte ranges.
    private List<(long Start, long Length)> ComputeKept()
    {
        const int MaxHeaderScan = 1024 * 1024;
        var head = new byte[(int)Math.Min(_body.Length, MaxHeaderScan)];
        _body.ReadAt(0, head);
        var kept = new List<(long Start, long Length)>();
        long keepFrom = 0;
        var pos = 0;
        while (pos < head.Length)
        {
            if (head[pos] == '\r' || head[pos] == '\n')
            {
                break; // the empty line that ends the header section
            }

            var fieldStart = pos;
            do
            {
                var lf = Array.IndexOf(head, (byte)'\n', pos);
                pos = lf < 0 ? head.Length : lf + 1;
            }
            while (pos < head.Length && head[pos] is (byte)' ' or (byte)'\t');

            var colon = Array.IndexOf(head, (byte)':', fieldStart, pos - fieldStart);
            if (colon < 0)
            {
                continue;
            }

            var name = Encoding.ASCII.GetString(head, fieldStart, colon - fieldStart).Trim();
            var value = Encoding.UTF8.GetString(head, colon + 1, pos - colon - 1).Replace("\r\n", string.Empty, StringComparison.Ordinal).Trim();
            if (_removals.Any(r => r.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && (r.Predicate is null || r.Predicate(value))))
            {
                if (fieldStart > keepFrom)
                {
                    kept.Add((keepFrom, fieldStart - keepFrom));
                }

                keepFrom = pos;
            }
        }

        kept.Add((keepFrom, _body.Length - keepFrom));
        return kept;
    }

    /// <summary>
    /// Counts the fields named <paramref name="name"/> in the original header section. Uses the parsed
    /// <see cref="Headers"/> when a stage already asked for them; otherwise scans the raw bytes through a
    /// pooled buffer (no MimeKit parse, no per-field strings), so the relay's loop check costs nothing.
    /// </summary>
    public int CountFields(string name)
    {
        if (_headers is not null)
        {
            var n = 0;
            foreach (var header in _headers)
            {
                n += header.Field.Equals(name, StringComparison.OrdinalIgnoreCase) ? 1 : 0;
            }

            return n;
        }

        const int MaxHeaderScan = 1024 * 1024;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var count = 0;
            var lineStart = true;
            var matched = -1; // -1: skipping to the end of the line; 0..name.Length: name bytes matched so far
            for (long position = 0; position < Math.Min(_body.Length, MaxHeaderScan);)
            {
                var read = _body.ReadAt(position, buffer);
                position += read;
                foreach (var b in buffer.AsSpan(0, read))
                {
                    if (lineStart)
                    {
                        if (b is (byte)'\r' or (byte)'\n')
                        {
                            return count; // the empty line that ends the header section
                        }

                        lineStart = false;
                        matched = b is (byte)' ' or (byte)'\t' ? -1 : 0; // a continuation line belongs to the field before
                    }

                    if (b == '\n')
                    {
                        lineStart = true;
                    }
                    else if (matched < 0)
                    {
                        continue;
                    }
                    else if (matched < name.Length && (b == name[matched] || (char.IsAsciiLetter(name[matched]) && (b | 0x20) == (name[matched] | 0x20))))
                    {
                        matched++;
                    }
                    else if (matched == name.Length && b == ':')
                    {
                        count++;
                        matched = -1;
                    }
                    else if (matched != name.Length || b is not ((byte)' ' or (byte)'\t'))
                    {
                        matched = -1;
                    }
                }
            }

            return count;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose() => _body.Dispose();

    private HeaderList ParseHeaders()
    {
        using var stream = _body.OpenRead();
        try
        {
            return HeaderList.Load(ParserOptions.Default, stream);
        }
        catch (FormatException)
        {
            return [];
        }
    }

    private sealed class RangeStream(MessageBuffer buffer, List<(long Start, long Length)> ranges) : Stream
    {
        private int _range;
        private long _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => ranges.Sum(r => r.Length);

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer1, int offset, int count) => Read(buffer1.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            while (_range < ranges.Count && _offset >= ranges[_range].Length)
            {
                _range++;
                _offset = 0;
            }

            if (_range >= ranges.Count || destination.IsEmpty)
            {
                return 0;
            }

            var (start, length) = ranges[_range];
            var n = buffer.ReadAt(start + _offset, destination[..(int)Math.Min(destination.Length, length - _offset)]);
            _offset += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer1, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class ConcatenatedStream(byte[] prefix, Stream rest) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => prefix.Length + rest.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            int n;
            if (_position < prefix.Length)
            {
                n = Math.Min(destination.Length, prefix.Length - (int)_position);
                prefix.AsSpan((int)_position, n).CopyTo(destination);
            }
            else
            {
                n = rest.Read(destination);
            }

            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
            => new(Read(destination.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
