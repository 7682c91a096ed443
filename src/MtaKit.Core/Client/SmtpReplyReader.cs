using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace MtaKit;

/// <summary>Reads SMTP replies (multi-line, with an enhanced status code when the peer sent one) from a stream.</summary>
internal sealed class SmtpReplyReader
{
    internal const int MaxLineLength = 8192;
    internal const int MaxLines = 512;

    // Recent one-line replies by their exact bytes (the peer's "250 2.1.5 Ok" to every RCPT, its 354):
    // a reply whose line is byte for byte one of these is the same immutable SmtpReply, not a new one.
    private const int CachedReplies = 4;
    private const int CachedLineLength = 64;
    private readonly byte[] _buffer = new byte[MaxLineLength * 2];
    private readonly byte[] _cachedLines = new byte[CachedReplies * CachedLineLength];
    private readonly int[] _cachedLengths = new int[CachedReplies];
    private readonly SmtpReply?[] _cachedReplies = new SmtpReply?[CachedReplies];
    private readonly bool[] _cachedHit = new bool[CachedReplies];
    private int _nextCacheSlot;
    private int _lastLineStart;
    private Stream _stream;
    private int _start;
    private int _end;

    public SmtpReplyReader(Stream stream) => _stream = stream;

    /// <summary>True when bytes the peer sent have been read but not consumed as a reply.</summary>
    public bool HasBufferedData => _end > _start;

    /// <summary>Reads from a new stream (after STARTTLS); buffered plaintext must have been checked for first.</summary>
    public void Reset(Stream stream)
    {
        _stream = stream;
        _start = _end = 0;
        Array.Clear(_cachedReplies);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<SmtpReply> ReadAsync(CancellationToken cancellationToken)
    {
        List<string>? lines = null;
        var code = 0;
        while (true)
        {
            if (lines is null && TryReadCached() is { } cached)
            {
                return cached;
            }

            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2])
                || (line.Length > 3 && line[3] is not (' ' or '-')))
            {
                throw new SmtpClientProtocolException($"Malformed reply line from peer: \"{Truncate(line)}\"");
            }

            var lineCode = int.Parse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture);
            if (lineCode is < 200 or > 599 || (code != 0 && lineCode != code))
            {
                throw new SmtpClientProtocolException($"Unexpected reply code in line from peer: \"{Truncate(line)}\"");
            }

            code = lineCode;
            if (lines is null && (line.Length == 3 || line[3] == ' '))
            {
                var reply = BuildSingle(code, line); // the usual one-line reply: one string for its text
                Remember(reply);
                return reply;
            }

            lines ??= new List<string>(2);
            lines.Add(line.Length > 4 ? line[4..] : string.Empty);
            if (lines.Count > MaxLines)
            {
                throw new SmtpClientProtocolException($"Reply from peer has more than {MaxLines} lines.");
            }

            if (line.Length == 3 || line[3] == ' ')
            {
                return Build(code, lines);
            }
        }
    }

    /// <summary>Returns the cached reply when the next buffered line is byte for byte a cached one (and consumes it).</summary>
    private SmtpReply? TryReadCached()
    {
        var buffered = _buffer.AsSpan(_start, _end - _start);
        var index = buffered.IndexOf((byte)'\n');
        if (index < 0)
        {
            return null;
        }

        var line = buffered[..index];
        for (var i = 0; i < CachedReplies; i++)
        {
            if (_cachedReplies[i] is { } reply && line.SequenceEqual(_cachedLines.AsSpan(i * CachedLineLength, _cachedLengths[i])))
            {
                _start += index + 1;
                _cachedHit[i] = true;
                return reply;
            }
        }

        return null;
    }

    /// <summary>Caches a one-line reply under the raw bytes of the line just read (before its LF).</summary>
    private void Remember(SmtpReply reply)
    {
        var start = _lastLineStart;
        var end = _start - 1;
        if (end - start > CachedLineLength)
        {
            return;
        }

        // A slot never hit (a one-off such as "queued as <id>") is replaced first, so the repeated replies stay.
        var slot = Array.IndexOf(_cachedHit, false);
        if (slot < 0)
        {
            slot = _nextCacheSlot;
            _nextCacheSlot = (slot + 1) % CachedReplies;
        }

        _cachedHit[slot] = false;
        _buffer.AsSpan(start, end - start).CopyTo(_cachedLines.AsSpan(slot * CachedLineLength));
        _cachedLengths[slot] = end - start;
        _cachedReplies[slot] = reply;
    }

    /// <summary>As <see cref="Build"/> for a reply of one line, without the intermediate strings.</summary>
    private static SmtpReply BuildSingle(int code, string line)
    {
        var text = line.Length > 4 ? line.AsSpan(4) : [];
        if (EnhancedStatusCode.TryParse(text, out var enhanced, out var length) && (enhanced.Class == code / 100 || code / 100 == 3))
        {
            var stripped = text.Length == length ? string.Empty : text[length] == ' ' ? text[(length + 1)..].ToString() : text.ToString();
            return new SmtpReply(code, enhanced, stripped);
        }

        return new SmtpReply(code, (EnhancedStatusCode?)null, text.ToString());
    }

    private static SmtpReply Build(int code, List<string> lines)
    {
        // An enhanced code is taken only when it leads the first line and its class matches the reply;
        // the same prefix is then stripped from every line that repeats it.
        if (EnhancedStatusCode.TryParse(lines[0], out var enhanced, out var length) && (enhanced.Class == code / 100 || code / 100 == 3))
        {
            var prefix = lines[0][..length];
            for (var i = 0; i < lines.Count; i++)
            {
                if (lines[i].StartsWith(prefix, StringComparison.Ordinal)
                    && (lines[i].Length == length || lines[i][length] == ' '))
                {
                    lines[i] = lines[i].Length > length ? lines[i][(length + 1)..] : string.Empty;
                }
            }

            return new SmtpReply(code, enhanced, lines);
        }

        return new SmtpReply(code, (EnhancedStatusCode?)null, lines);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var index = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (index >= 0)
            {
                var lineEnd = _start + index;
                _lastLineStart = _start;
                var contentEnd = lineEnd > _start && _buffer[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
                var line = Encoding.UTF8.GetString(_buffer, _start, contentEnd - _start);
                _start = lineEnd + 1;
                return line.AsSpan().IndexOfAny('\r', '\0') >= 0 ? line.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\0", string.Empty, StringComparison.Ordinal) : line;
            }

            if (_end - _start >= MaxLineLength)
            {
                throw new SmtpClientProtocolException($"Reply line from peer longer than {MaxLineLength} bytes.");
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException("The peer closed the connection.");
            }

            _end += read;
        }
    }

    private static string Truncate(string line) => line.Length > 80 ? line[..80] + "..." : line;
}
