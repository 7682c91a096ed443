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
    private readonly List<string> _added = [];
    private byte[]? _prefix;
    private HeaderList? _headers;

    public ReceivedMessage(MessageBuffer body)
    {
        _body = body;
    }

    public long Length => Prefix.Length + _body.Length;

    public long OriginalLength => _body.Length;

    public HeaderList Headers => _headers ??= ParseHeaders();

    private byte[] Prefix => _prefix ??= Encoding.UTF8.GetBytes(string.Concat(_added));

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

        _added.Add(name + ": " + value + "\r\n");
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

    public Stream OpenRead() => new ConcatenatedStream(Prefix, _body.OpenRead());

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
