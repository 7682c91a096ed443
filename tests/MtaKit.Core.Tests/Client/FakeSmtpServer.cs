using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Client;

/// <summary>A scripted SMTP server on a free loopback port: each accepted connection runs <c>handler</c>.</summary>
internal sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<FakeSmtpSession, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly ConcurrentBag<Task> _sessions = [];
    private int _sessionCount;

    public FakeSmtpServer(Func<FakeSmtpSession, Task> handler, string? unixSocketPath = null)
    {
        _handler = handler;
        UnixSocketPath = unixSocketPath;
        if (unixSocketPath is null)
        {
            Port = FreePort.Next();
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, Port));
        }
        else
        {
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(unixSocketPath));
        }

        _listener.Listen(64);
        _acceptLoop = AcceptAsync();
    }

    public int Port { get; }

    public string? UnixSocketPath { get; }

    public int Sessions => Volatile.Read(ref _sessionCount);

    public SmtpClientEndpoint Endpoint => UnixSocketPath is { } path ? SmtpClientEndpoint.Unix(path) : SmtpClientEndpoint.Tcp(IPAddress.Loopback, Port, "localhost");

    /// <summary>Every command line received, in order, over all sessions; "+" marks one that came in the same read as the previous.</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    public ConcurrentQueue<Exception> Errors { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            if (socket.AddressFamily != AddressFamily.Unix)
            {
                socket.NoDelay = true;
            }

            Interlocked.Increment(ref _sessionCount);
            _sessions.Add(Task.Run(async () =>
            {
                await using var session = new FakeSmtpSession(socket, Commands);
                try
                {
                    await _handler(session);
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
                {
                    // the client went away
                }
                catch (Exception ex)
                {
                    Errors.Enqueue(ex);
                }
            }));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        await Task.WhenAll(_sessions).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
        Assert.Empty(Errors);
    }
}

/// <summary>One server-side session: line reads, raw reads, replies.</summary>
internal sealed class FakeSmtpSession : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly ConcurrentQueue<string> _log;
    private readonly byte[] _buffer = new byte[256 * 1024];
    private int _start;
    private int _end;

    public FakeSmtpSession(Socket socket, ConcurrentQueue<string> log)
    {
        _socket = socket;
        _log = log;
        Stream = new NetworkStream(socket, ownsSocket: true);
    }

    public Stream Stream { get; set; }

    public async Task WriteAsync(string text) => await Stream.WriteAsync(Encoding.UTF8.GetBytes(text));

    public Task ReplyAsync(string line) => WriteAsync(line + "\r\n");

    /// <summary>Reads a command line (without CRLF), or null at end of stream.</summary>
    public async Task<string?> ReadLineAsync()
    {
        var pipelined = _end > _start;
        while (true)
        {
            var index = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (index >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, index - _start).TrimEnd('\r');
                _start = index + 1;
                _log.Enqueue((pipelined ? "+" : string.Empty) + line);
                return line;
            }

            if (!await FillAsync())
            {
                return null;
            }
        }
    }

    /// <summary>Reads DATA wire bytes up to and including CRLF.CRLF; returns the wire bytes.</summary>
    public async Task<byte[]> ReadDataAsync()
    {
        var data = new MemoryStream();
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            for (var i = 0; i < span.Length; i++)
            {
                data.WriteByte(span[i]);
                if (EndsWithTerminator(data))
                {
                    _start += i + 1;
                    return data.ToArray();
                }
            }

            _start = _end;
            if (!await FillAsync())
            {
                throw new EndOfStreamException("client closed during DATA");
            }
        }
    }

    public async Task<byte[]> ReadBytesAsync(int count)
    {
        var result = new byte[count];
        var got = 0;
        while (got < count)
        {
            if (_end == _start && !await FillAsync())
            {
                throw new EndOfStreamException("client closed during BDAT");
            }

            var n = Math.Min(count - got, _end - _start);
            Array.Copy(_buffer, _start, result, got, n);
            _start += n;
            got += n;
        }

        return result;
    }

    /// <summary>True when the client sent bytes that were not read yet (for STARTTLS injection checks).</summary>
    public bool HasBufferedData => _end > _start;

    public void Abort() => _socket.Close(0);

    private static bool EndsWithTerminator(MemoryStream data)
    {
        if (data.Length < 3)
        {
            return false;
        }

        var b = data.GetBuffer();
        var n = (int)data.Length;
        return n == 3 ? b[0] == '.' && b[1] == '\r' && b[2] == '\n'
            : n >= 5 && b[n - 5] == '\r' && b[n - 4] == '\n' && b[n - 3] == '.' && b[n - 2] == '\r' && b[n - 1] == '\n';
    }

    private async Task<bool> FillAsync()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var n = await Stream.ReadAsync(_buffer.AsMemory(_end));
        _end += n;
        return n > 0;
    }

    public async ValueTask DisposeAsync() => await Stream.DisposeAsync();
}
