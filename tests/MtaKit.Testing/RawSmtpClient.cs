using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MtaKit.Testing;

/// <summary>
/// A raw-socket SMTP client for exact transcripts: sends bytes as given, reads replies line by
/// line. Every read has a timeout so a broken server fails the test instead of hanging it.
/// </summary>
public sealed class RawSmtpClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly StringBuilder _transcript = new();
    private byte[] _pending = [];

    private RawSmtpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Read timeout. <value>The default value is 10 seconds.</value></summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Everything sent (prefixed <c>C: </c>) and received (<c>S: </c>).</summary>
    public string Transcript => _transcript.ToString();

    /// <summary>Connects.</summary>
    public static async Task<RawSmtpClient> ConnectAsync(IPEndPoint endPoint)
    {
        var tcp = new TcpClient(endPoint.AddressFamily) { NoDelay = true };
        await tcp.ConnectAsync(endPoint);
        return new RawSmtpClient(tcp);
    }

    /// <summary>Replaces the stream (after a TLS handshake done by the test).</summary>
    public void UseStream(Stream stream) => _stream = stream;

    /// <summary>The underlying network stream.</summary>
    public Stream NetworkStream => _tcp.GetStream();

    /// <summary>Sends text exactly as given (no CRLF added).</summary>
    public Task SendRawAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends bytes exactly as given.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        _transcript.Append("C: ").Append(Encoding.UTF8.GetString(bytes).Replace("\r\n", "\\r\\n\nC: ", StringComparison.Ordinal)).Append('\n');
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends one command line (CRLF added).</summary>
    public Task SendAsync(string line) => SendRawAsync(line + "\r\n");

    /// <summary>Reads one whole (possibly multi-line) reply; returns its lines.</summary>
    public async Task<IReadOnlyList<string>> ReadReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new IOException("Connection closed while reading a reply. Transcript:\n" + Transcript);
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return lines;
            }
        }
    }

    /// <summary>Reads one reply and returns its code.</summary>
    public async Task<int> ReadCodeAsync()
    {
        var reply = await ReadReplyAsync();
        return int.Parse(reply[^1].AsSpan(0, 3), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Reads one reply and returns its last line.</summary>
    public async Task<string> ReadLastLineAsync() => (await ReadReplyAsync())[^1];

    /// <summary>Sends a command and returns the last line of its reply.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line);
        return await ReadLastLineAsync();
    }

    /// <summary>Reads one line (without CRLF), or null at end of stream.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var buffer = new byte[4096];
        while (true)
        {
            var lf = Array.IndexOf(_pending, (byte)'\n');
            if (lf >= 0)
            {
                var line = Encoding.UTF8.GetString(_pending, 0, lf > 0 && _pending[lf - 1] == '\r' ? lf - 1 : lf);
                _pending = _pending[(lf + 1)..];
                _transcript.Append("S: ").Append(line).Append('\n');
                return line;
            }

            int n;
            try
            {
                n = await _stream.ReadAsync(buffer, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("No reply within " + Timeout + ". Transcript:\n" + Transcript);
            }
            catch (IOException)
            {
                n = 0;
            }

            if (n == 0)
            {
                return null;
            }

            _pending = [.. _pending, .. buffer.AsSpan(0, n)];
        }
    }

    /// <summary>True when the server closed the connection (reads end of stream within the timeout).</summary>
    public async Task<bool> IsClosedAsync()
    {
        try
        {
            return await ReadLineAsync() is null;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
