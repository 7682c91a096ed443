using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace MtaKit.Messages;

/// <summary>
/// Holds a message body while it arrives: in pooled memory up to a threshold, then in a temp file
/// (deleted when the buffer is disposed). Written once, then read any number of times concurrently.
/// </summary>
internal sealed class MessageBuffer : IDisposable
{
    private const int SegmentSize = 64 * 1024;
    private readonly long _memoryThreshold;
    private readonly string _tempDirectory;
    private readonly List<byte[]> _segments = [];
    private SafeFileHandle? _file;
    private string? _path;
    private long _length;
    private bool _disposed;

    public MessageBuffer(long memoryThreshold, string tempDirectory)
    {
        _memoryThreshold = memoryThreshold;
        _tempDirectory = tempDirectory;
    }

    public long Length => _length;

    public bool IsSpilled => _file is not null;

    public void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (data.IsEmpty)
        {
            return;
        }

        if (_file is null && _length + data.Length > _memoryThreshold)
        {
            Spill();
        }

        if (_file is not null)
        {
            RandomAccess.Write(_file, data, _length);
            _length += data.Length;
            return;
        }

        while (!data.IsEmpty)
        {
            var offset = (int)(_length % SegmentSize);
            if (offset == 0 && _segments.Count * (long)SegmentSize <= _length)
            {
                _segments.Add(ArrayPool<byte>.Shared.Rent(SegmentSize));
            }

            var n = Math.Min(SegmentSize - offset, data.Length);
            data[..n].CopyTo(_segments[^1].AsSpan(offset));
            data = data[n..];
            _length += n;
        }
    }

    public Stream OpenRead()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new BufferReadStream(this);
    }

    /// <summary>Copies bytes at <paramref name="position"/> into <paramref name="destination"/>; returns the count.</summary>
    internal int ReadAt(long position, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (position >= _length)
        {
            return 0;
        }

        var count = (int)Math.Min(destination.Length, _length - position);
        if (_file is not null)
        {
            return RandomAccess.Read(_file, destination[..count], position);
        }

        var done = 0;
        while (done < count)
        {
            var segment = (int)((position + done) / SegmentSize);
            var offset = (int)((position + done) % SegmentSize);
            var n = Math.Min(SegmentSize - offset, count - done);
            _segments[segment].AsSpan(offset, n).CopyTo(destination[done..]);
            done += n;
        }

        return done;
    }

    private void Spill()
    {
        Directory.CreateDirectory(_tempDirectory);
        _path = Path.Combine(_tempDirectory, "mtakit-" + Guid.NewGuid().ToString("N") + ".msg");
        _file = File.OpenHandle(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, FileOptions.DeleteOnClose);
        long written = 0;
        foreach (var segment in _segments)
        {
            var n = (int)Math.Min(SegmentSize, _length - written);
            RandomAccess.Write(_file, segment.AsSpan(0, n), written);
            written += n;
            ArrayPool<byte>.Shared.Return(segment);
        }

        _segments.Clear();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var segment in _segments)
        {
            ArrayPool<byte>.Shared.Return(segment);
        }

        _segments.Clear();
        _file?.Dispose();
        if (_path is not null && File.Exists(_path))
        {
            File.Delete(_path);
        }
    }

    private sealed class BufferReadStream(MessageBuffer buffer) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => buffer.Length;

        public override long Position
        {
            get => _position;
            set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] b, int offset, int count) => Read(b.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            var n = buffer.ReadAt(_position, destination);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
            => new(Read(destination.Span));

        public override Task<int> ReadAsync(byte[] b, int offset, int count, CancellationToken cancellationToken)
            => Task.FromResult(Read(b.AsSpan(offset, count)));

        public override long Seek(long offset, SeekOrigin origin)
            => Position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => buffer.Length + offset };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] b, int offset, int count) => throw new NotSupportedException();
    }
}
