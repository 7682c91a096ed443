using System.Net.Sockets;
using System.Text;

namespace MtaKit.Hosting.Health;

/// <summary>Just enough HTTP/1.1 for a health probe: the request line in, a short plain-text response out, then close.</summary>
internal readonly record struct HealthHttpRequest(string Method, string Path)
{
    private const int MaxHeaderBytes = 8192;

    /// <summary>Reads the request head (up to an empty line); <see langword="null"/> when it is not an HTTP request.</summary>
    public static async Task<HealthHttpRequest?> ReadAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeaderBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0 || buffer.AsSpan(0, length).IndexOf("\n\n"u8) >= 0)
            {
                break;
            }
        }

        var head = Encoding.ASCII.GetString(buffer, 0, length);
        var lineEnd = head.IndexOf('\n', StringComparison.Ordinal);
        if (lineEnd < 0)
        {
            return null;
        }

        var parts = head[..lineEnd].TrimEnd('\r').Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return null;
        }

        var path = parts[1];
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return new HealthHttpRequest(parts[0], query >= 0 ? path[..query] : path);
    }

    /// <summary>A complete response that closes the connection.</summary>
    public static byte[] Response(int code, string reason, string body, bool head)
        => Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {code} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
            + (head ? string.Empty : body));
}
