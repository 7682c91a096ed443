using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace MtaKit.Scanning;

/// <summary>
/// One socket to a scanner daemon (TCP or Unix) with a connect timeout and an idle timeout that is
/// re-armed before every read and write, both on the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class ScannerConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly CancellationTokenSource _idle;
    private readonly CancellationTokenSource _linked;
    private readonly TimeSpan _idleTimeout;

    private ScannerConnection(Socket socket, CancellationTokenSource idle, CancellationTokenSource linked, TimeSpan idleTimeout)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _idle = idle;
        _linked = linked;
        _idleTimeout = idleTimeout;
    }

    /// <summary>True when the connect or idle timeout fired (rather than the caller's token).</summary>
    public bool TimedOut => _idle.IsCancellationRequested;

    /// <summary>Connects to <paramref name="endPoint"/>; throws <see cref="TimeoutException"/> when the connect timeout passes.</summary>
    public static async ValueTask<ScannerConnection> OpenAsync(EndPoint endPoint, TimeSpan connectTimeout, TimeSpan idleTimeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var idle = new CancellationTokenSource(connectTimeout, timeProvider);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        try
        {
            await socket.ConnectAsync(endPoint, linked.Token).ConfigureAwait(false);
            return new ScannerConnection(socket, idle, linked, idleTimeout);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Dispose(socket, idle, linked);
            throw new TimeoutException($"connect to {ScannerAddress.Format(endPoint)} timed out after {connectTimeout.TotalMilliseconds:0} ms");
        }
        catch
        {
            Dispose(socket, idle, linked);
            throw;
        }
    }

    /// <summary>Writes all of <paramref name="buffer"/>.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer)
    {
        Arm();
        return _stream.WriteAsync(buffer, _linked.Token);
    }

    /// <summary>Sends the whole of <paramref name="content"/>, which must hold exactly <paramref name="length"/> bytes.</summary>
    public async ValueTask SendContentAsync(IMessageContent content, long length, CancellationToken cancellationToken)
    {
        var stream = content.OpenRead();
        await using (stream.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                long sent = 0;
                int n;
                while (sent < length && (n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - sent)), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await WriteAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
                    sent += n;
                }

                if (sent != length)
                {
                    throw new InvalidOperationException($"the message content ended after {sent} of its {length} bytes");
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Reads some bytes; 0 at end of stream.</summary>
    public ValueTask<int> ReadAsync(Memory<byte> buffer)
    {
        Arm();
        return _stream.ReadAsync(buffer, _linked.Token);
    }

    /// <summary>Reads until the peer closes, or until <paramref name="terminator"/> is seen (excluded), up to <paramref name="maxBytes"/>.</summary>
    public async ValueTask<byte[]> ReadReplyAsync(int maxBytes, byte? terminator = null)
    {
        using var reply = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var n = await ReadAsync(buffer).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            var end = terminator is { } t ? Array.IndexOf(buffer, t, 0, n) : -1;
            reply.Write(buffer, 0, end >= 0 ? end : n);
            if (end >= 0)
            {
                break;
            }

            if (reply.Length > maxBytes)
            {
                throw new InvalidDataException($"the scanner's reply is longer than {maxBytes} bytes");
            }
        }

        return reply.ToArray();
    }

    /// <summary>Tells the peer that the request is complete (half-close).</summary>
    public void ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // the peer may already have closed; its reply (if any) is still readable
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _linked.Dispose();
        _idle.Dispose();
    }

    private static void Dispose(Socket socket, CancellationTokenSource idle, CancellationTokenSource linked)
    {
        socket.Dispose();
        linked.Dispose();
        idle.Dispose();
    }

    private void Arm() => _idle.CancelAfter(_idleTimeout);
}
