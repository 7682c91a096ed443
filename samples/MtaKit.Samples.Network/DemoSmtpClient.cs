using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MtaKit.Samples.Network;

/// <summary>A plain SMTP client that sends one message and returns the server's exact reply lines.</summary>
internal static class DemoSmtpClient
{
    /// <summary>
    /// Sends one message; returns the last reply of the transaction (the DATA reply when every step
    /// succeeded, else the first refusal). <paramref name="proxyClient"/> writes a PROXY v1 header first.
    /// </summary>
    public static async Task<string> SendAsync(IPEndPoint server, string? proxyClient, string from, string to, string message, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server, ct).ConfigureAwait(false);
        var stream = tcp.GetStream();
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.ASCII, false, 1024, leaveOpen: true);
            if (proxyClient is not null)
            {
                await WriteAsync(stream, $"PROXY TCP4 {proxyClient} {server.Address} 40000 {server.Port}\r\n", ct).ConfigureAwait(false);
            }

            var reply = await ReadReplyAsync(reader, ct).ConfigureAwait(false);
            if (!reply.StartsWith('2'))
            {
                return reply;
            }

            foreach (var command in new[] { "EHLO client.demo.test", $"MAIL FROM:<{from}>", $"RCPT TO:<{to}>" })
            {
                await WriteAsync(stream, command + "\r\n", ct).ConfigureAwait(false);
                reply = await ReadReplyAsync(reader, ct).ConfigureAwait(false);
                if (!reply.StartsWith('2'))
                {
                    await QuitAsync(stream, ct).ConfigureAwait(false);
                    return reply;
                }
            }

            await WriteAsync(stream, "DATA\r\n", ct).ConfigureAwait(false);
            reply = await ReadReplyAsync(reader, ct).ConfigureAwait(false);
            if (!reply.StartsWith('3'))
            {
                await QuitAsync(stream, ct).ConfigureAwait(false);
                return reply;
            }

            var body = message.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal).TrimEnd('\r', '\n');
            var stuffed = string.Join("\r\n", body.Split("\r\n").Select(l => l.StartsWith('.') ? "." + l : l));
            await WriteAsync(stream, stuffed + "\r\n.\r\n", ct).ConfigureAwait(false);
            reply = await ReadReplyAsync(reader, ct).ConfigureAwait(false);
            await QuitAsync(stream, ct).ConfigureAwait(false);
            return reply;
        }
    }

    private static async Task QuitAsync(NetworkStream stream, CancellationToken ct)
    {
        try
        {
            await WriteAsync(stream, "QUIT\r\n", ct).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The server may have closed the connection after a refusal: nothing to say goodbye to.
        }
    }

    private static ValueTask WriteAsync(NetworkStream stream, string text, CancellationToken ct)
        => stream.WriteAsync(Encoding.ASCII.GetBytes(text), ct);

    /// <summary>Reads a (possibly multi-line) reply and returns its last line.</summary>
    private static async Task<string> ReadReplyAsync(StreamReader reader, CancellationToken ct)
    {
        while (true)
        {
            var line = await reader.ReadLineAsync(ct).ConfigureAwait(false) ?? throw new IOException("The server closed the connection without a reply.");
            if (line.Length < 4 || line[3] != '-')
            {
                return line;
            }
        }
    }
}
