using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace MtaKit.Benchmarks;

/// <summary>
/// The benchmarks' SMTP client: pre-encoded commands, one fixed receive buffer, PIPELINING (the
/// envelope goes in one write). Allocates next to nothing per message, so an in-process benchmark's
/// figure is the relay's own allocation.
/// </summary>
internal sealed class RawRelayClient
{
    // Commands encoded once and pooled async state machines: the client's own allocations stay out of the relay's figure.
    private static readonly ReadOnlyMemory<byte> EhloCommand = "EHLO client.test\r\n"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> QuitCommand = "QUIT\r\n"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> EndOfData = ".\r\n"u8.ToArray();

    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly IPEndPoint _relay;
    private readonly int _recipients;
    private readonly byte[] _envelope;
    private readonly byte[] _message;

    /// <summary>Creates a client for 5 KB messages to <paramref name="recipients"/> recipients at <paramref name="domain"/>.</summary>
    public RawRelayClient(IPEndPoint relay, int recipients, string domain = "example.test")
    {
        _relay = relay;
        _recipients = recipients;
        var envelope = new StringBuilder("MAIL FROM:<sender@client.test> SIZE=5120\r\n");
        for (var i = 0; i < recipients; i++)
        {
            envelope.Append("RCPT TO:<user").Append(i).Append('@').Append(domain).Append(">\r\n");
        }

        _envelope = Encoding.ASCII.GetBytes(envelope.Append("DATA\r\n").ToString());
        _message = Encoding.ASCII.GetBytes(BenchMessages.Build(5 * 1024, "..a line that starts with a dot (dot-stuffed on the wire)\r\n").ToString());
    }

    /// <summary>Connects, reads the greeting and says EHLO.</summary>
    public async Task<Socket> OpenSessionAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(_relay);
        await ReadRepliesAsync(socket, 1);
        await socket.SendAsync(EhloCommand, SocketFlags.None);
        await ReadRepliesAsync(socket, 1);
        return socket;
    }

    /// <summary>One message on <paramref name="socket"/>; throws unless the relay answers 250 after the data.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(Socket socket)
    {
        await socket.SendAsync(_envelope.AsMemory(), SocketFlags.None);
        await ReadRepliesAsync(socket, _recipients + 2);
        await socket.SendAsync(_message.AsMemory(), SocketFlags.None);
        await socket.SendAsync(EndOfData, SocketFlags.None);
        var code = await ReadRepliesAsync(socket, 1);
        if (code != 250)
        {
            throw new InvalidOperationException($"The relay answered {code} after the data.");
        }
    }

    /// <summary>One message on its own connection (connect, EHLO, transaction, QUIT).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendOnNewConnectionAsync()
    {
        using var socket = await OpenSessionAsync();
        await SendAsync(socket);
        await socket.SendAsync(QuitCommand, SocketFlags.None);
        await ReadRepliesAsync(socket, 1);
    }

    /// <summary>Reads until <paramref name="count"/> final reply lines arrived; returns the last code.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadRepliesAsync(Socket socket, int count)
    {
        var length = 0;
        var start = 0;
        var code = 0;
        while (count > 0)
        {
            var read = await socket.ReceiveAsync(_buffer.AsMemory(length), SocketFlags.None);
            if (read == 0)
            {
                throw new EndOfStreamException("The relay closed the connection.");
            }

            length += read;
            int end;
            while (count > 0 && (end = _buffer.AsSpan(start, length - start).IndexOf("\r\n"u8)) >= 0)
            {
                if (end >= 4 && _buffer[start + 3] == (byte)' ')
                {
                    code = ((_buffer[start] - '0') * 100) + ((_buffer[start + 1] - '0') * 10) + (_buffer[start + 2] - '0');
                    count--;
                }

                start += end + 2;
            }
        }

        return code;
    }
}
