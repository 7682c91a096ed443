using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MtaKit.Interop.Tests;

/// <summary>
/// The final hop of every interop chain: a deliberately plain SMTP server written for the tests, not
/// MtaKit's engine. It ends DATA only on CRLF "." CRLF (RFC 5321 4.1.1.4), removes one leading dot
/// from a line, and keeps every transaction's envelope and exact message bytes, so a test can
/// count transactions and compare bodies byte for byte.
/// </summary>
internal sealed class CaptureServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly ConcurrentBag<Task> _sessions = [];

    private CaptureServer(TcpListener listener)
    {
        _listener = listener;
        _accept = AcceptLoopAsync();
    }

    public ConcurrentQueue<CapturedMessage> Messages { get; } = new();

    /// <summary>Recipient domains accepted besides <see cref="Domain"/>.</summary>
    public ConcurrentBag<string> AcceptedDomains { get; } = [];

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The domain the interop Postfix and Exim route to this server (pNNNNN.port.test).</summary>
    public string Domain => $"p{Port}.port.test";

    public static CaptureServer Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(512);
        return new CaptureServer(listener);
    }

    /// <summary>Waits until <paramref name="count"/> messages arrived in total; false on timeout.</summary>
    public async Task<bool> WaitForAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (Messages.Count < count)
            {
                await _arrived.WaitAsync(cts.Token);
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return Messages.Count >= count;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException or OperationCanceledException)
        {
        }

        await Task.WhenAll(_sessions.ToArray()).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
        _arrived.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _sessions.Add(Task.Run(() => SessionAsync(client)));
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        client.NoDelay = true;
        var stream = client.GetStream();
        var reader = new LineReader(stream);
        string? from = null;
        var rcpts = new List<string>();
        try
        {
            await WriteAsync(stream, "220 capture.interop.test ESMTP capture\r\n");
            while (true)
            {
                var line = await reader.ReadLineAsync(_stop.Token);
                if (line is null)
                {
                    return;
                }

                var text = Encoding.Latin1.GetString(line);
                var verb = text.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await WriteAsync(stream, "250-capture.interop.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 209715200\r\n250 ENHANCEDSTATUSCODES\r\n");
                        break;
                    case "HELO":
                        await WriteAsync(stream, "250 capture.interop.test\r\n");
                        break;
                    case "MAIL":
                        from = text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                        rcpts.Clear();
                        await WriteAsync(stream, "250 2.1.0 Ok\r\n");
                        break;
                    case "RCPT":
                        // Only this server's own domain: a message a shared Postfix or Exim deferred in an
                        // earlier test and now retries to a recycled port is refused, not counted here.
                        var rcpt = text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                        if (!AcceptedDomains.Append(Domain).Any(d => rcpt.Contains("@" + d + ">", StringComparison.OrdinalIgnoreCase)))
                        {
                            await WriteAsync(stream, "550 5.1.1 Not a recipient of this capture server\r\n");
                            break;
                        }

                        rcpts.Add(rcpt);
                        await WriteAsync(stream, "250 2.1.5 Ok\r\n");
                        break;
                    case "DATA":
                        if (from is null || rcpts.Count == 0)
                        {
                            await WriteAsync(stream, "503 5.5.1 Bad sequence\r\n");
                            break;
                        }

                        await WriteAsync(stream, "354 End data with <CR><LF>.<CR><LF>\r\n");
                        var data = await reader.ReadDataAsync(_stop.Token);
                        if (data is null)
                        {
                            return;
                        }

                        Messages.Enqueue(new CapturedMessage(from, [.. rcpts], data));
                        _arrived.Release();
                        from = null;
                        rcpts.Clear();
                        await WriteAsync(stream, "250 2.0.0 Ok: captured\r\n");
                        break;
                    case "RSET":
                        from = null;
                        rcpts.Clear();
                        await WriteAsync(stream, "250 2.0.0 Ok\r\n");
                        break;
                    case "NOOP":
                        await WriteAsync(stream, "250 2.0.0 Ok\r\n");
                        break;
                    case "QUIT":
                        await WriteAsync(stream, "221 2.0.0 Bye\r\n");
                        return;
                    default:
                        await WriteAsync(stream, "502 5.5.2 Not implemented\r\n");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private Task WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text), _stop.Token).AsTask();

    /// <summary>Reads CRLF-terminated lines and DATA blocks from a buffered stream.</summary>
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        /// <summary>A command line without its CRLF; a bare LF also ends a command line here.</summary>
        public async Task<byte[]?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new List<byte>();
            while (true)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    return null;
                }

                var b = _buffer[_start++];
                if (b == '\n')
                {
                    if (line.Count > 0 && line[^1] == '\r')
                    {
                        line.RemoveAt(line.Count - 1);
                    }

                    return [.. line];
                }

                line.Add(b);
            }
        }

        /// <summary>The message up to CRLF.CRLF, dot-unstuffed; only CRLF is a line end.</summary>
        public async Task<byte[]?> ReadDataAsync(CancellationToken cancellationToken)
        {
            var message = new MemoryStream();
            var line = new List<byte>();
            while (true)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    return null;
                }

                var b = _buffer[_start++];
                line.Add(b);
                if (b != '\n' || line.Count < 2 || line[^2] != '\r')
                {
                    continue;
                }

                // A complete CRLF line.
                if (line.Count == 3 && line[0] == '.')
                {
                    return message.ToArray();
                }

                var skip = line[0] == '.' ? 1 : 0;
                message.Write([.. line], skip, line.Count - skip);
                line.Clear();
            }
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancellationToken);
            return _end > 0;
        }
    }
}

/// <summary>One transaction the capture server accepted.</summary>
internal sealed record CapturedMessage(string ReversePath, string[] ForwardPaths, byte[] Bytes)
{
    public string Text => Encoding.UTF8.GetString(Bytes);

    /// <summary>The reverse-path address without brackets and MAIL parameters.</summary>
    public string Sender => ReversePath[1..ReversePath.IndexOf('>', StringComparison.Ordinal)];

    /// <summary>The message without the leading Received: trace fields every hop prepends.</summary>
    public byte[] WithoutTrace => InteropMessage.StripReceived(Bytes);
}
