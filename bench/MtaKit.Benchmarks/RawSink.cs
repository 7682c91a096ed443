using System.Net;
using System.Net.Sockets;

namespace MtaKit.Benchmarks;

/// <summary>A minimal SMTP sink with PIPELINING: fixed buffers, pre-encoded replies, discards the data.</summary>
internal sealed class RawSink : IDisposable
{
    private static readonly byte[] Greeting = "220 sink.test ESMTP\r\n"u8.ToArray();
    private static readonly byte[] Ehlo = "250-sink.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 SIZE 100000000\r\n"u8.ToArray();
    private static readonly byte[] Ok = "250 2.0.0 Ok\r\n"u8.ToArray();
    private static readonly byte[] Go = "354 Go ahead\r\n"u8.ToArray();
    private static readonly byte[] Queued = "250 2.0.0 Ok: queued as 1A2B3C\r\n"u8.ToArray();
    private static readonly byte[] Bye = "221 2.0.0 Bye\r\n"u8.ToArray();
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();

    private RawSink(Socket listener)
    {
        _listener = listener;
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public static RawSink Start()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(512);
        return new RawSink(listener);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            client.NoDelay = true;
            _ = ServeAsync(client);
        }
    }

    private static async Task ServeAsync(Socket client)
    {
        using var _ = client;
        var buffer = new byte[128 * 1024];
        var reply = new byte[4096];
        var length = 0;
        var inData = false;
        try
        {
            await client.SendAsync(Greeting.AsMemory(), SocketFlags.None);
            while (true)
            {
                var read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None);
                if (read == 0)
                {
                    return;
                }

                length += read;
                var start = 0;
                var replyLength = 0;
                var quit = false;
                while (true)
                {
                    var span = buffer.AsSpan(start, length - start);
                    if (inData)
                    {
                        var end = span.IndexOf("\r\n.\r\n"u8);
                        if (end < 0)
                        {
                            // keep the last 4 bytes: the terminator may straddle reads
                            var keep = Math.Min(span.Length, 4);
                            start = length - keep;
                            break;
                        }

                        start += end + 5;
                        inData = false;
                        Queued.CopyTo(reply.AsSpan(replyLength));
                        replyLength += Queued.Length;
                        continue;
                    }

                    var eol = span.IndexOf("\r\n"u8);
                    if (eol < 0)
                    {
                        break;
                    }

                    var line = span[..eol];
                    byte[] answer = line.Length >= 4 && (line[0] | 0x20) == 'e' ? Ehlo
                        : line.Length >= 4 && (line[0] | 0x20) == 'd' ? Go
                        : line.Length >= 4 && (line[0] | 0x20) == 'q' ? Bye
                        : Ok;
                    if (ReferenceEquals(answer, Go))
                    {
                        inData = true;
                        start += eol; // the terminator search starts at this CRLF
                    }
                    else
                    {
                        start += eol + 2;
                    }

                    quit |= ReferenceEquals(answer, Bye);
                    answer.CopyTo(reply.AsSpan(replyLength));
                    replyLength += answer.Length;
                }

                buffer.AsSpan(start, length - start).CopyTo(buffer);
                length -= start;
                if (replyLength > 0)
                {
                    await client.SendAsync(reply.AsMemory(0, replyLength), SocketFlags.None);
                }

                if (quit)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // the relay dropped a pooled connection
        }
    }
}
