using System.Globalization;
using System.Net;
using System.Text;

namespace MtaKit.Scanning;

/// <summary>
/// An rspamd client: HTTP/1.1 <c>POST /checkv2</c> to the normal worker with the envelope in
/// request headers (<c>IP</c>, <c>Helo</c>, <c>Hostname</c>, <c>From</c>, one <c>Rcpt</c> per
/// recipient, <c>Queue-Id</c>, <c>User</c>), one connection per message (<c>Connection: close</c>).
/// Written on the same socket layer as the clamd and spamd clients (rather than HttpClient) so that
/// it shares their connect/idle timeouts and reaches a Unix socket the same way. Thread-safe.
/// </summary>
public sealed class RspamdClient : IScanner
{
    private const int MaxReplyBytes = 4 * 1024 * 1024;

    private readonly RspamdClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly EndPoint _endPoint;
    private readonly string _host;

    /// <summary>Creates a client.</summary>
    /// <param name="options">The worker's URL and the limits.</param>
    /// <param name="timeProvider">The clock for timeouts and elapsed times; <see cref="TimeProvider.System"/> when null.</param>
    public RspamdClient(RspamdClientOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _endPoint = ScannerAddress.Parse(options.Url.Scheme == "unix" ? "unix:" + options.Url.AbsolutePath : options.Url.GetLeftPart(UriPartial.Authority), RspamdClientOptions.DefaultPort);
        _host = options.Url.Scheme == "unix" ? "localhost" : options.Url.Authority;
        Name = options.Name ?? "rspamd:" + ScannerAddress.Format(_endPoint);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Sends <c>GET /ping</c>; true when rspamd answers <c>pong</c>, false on any fault or timeout.</summary>
    /// <param name="cancellationToken">Cancels the probe.</param>
    public async ValueTask<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await connection.WriteAsync(Encoding.ASCII.GetBytes($"GET /ping HTTP/1.1\r\nHost: {_host}\r\nConnection: close\r\n\r\n")).ConfigureAwait(false);
                var reply = Encoding.ASCII.GetString(await connection.ReadReplyAsync(4096).ConfigureAwait(false));
                return reply.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) && reply.Contains("\r\n\r\npong", StringComparison.Ordinal);
            }
        }
        catch (Exception e) when (ScanFault.IsFault(e, cancellationToken))
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async ValueTask<ScanResult> ScanAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var length = request.Message.Length;
        if (length > _options.MaxMessageSize)
        {
            return ScanResult.Skipped(Name, TimeSpan.Zero, $"message of {length} bytes is above the rspamd maximum of {_options.MaxMessageSize} bytes: not sent");
        }

        var started = _timeProvider.GetTimestamp();
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await connection.WriteAsync(BuildRequestHead(request, length)).ConfigureAwait(false);
                await connection.SendContentAsync(request.Message, length, cancellationToken).ConfigureAwait(false);
                var reply = await connection.ReadReplyAsync(MaxReplyBytes).ConfigureAwait(false);
                return RspamdReplyParser.ParseHttp(reply, _options.SpamActions, Name, _timeProvider.GetElapsedTime(started));
            }
        }
        catch (Exception e) when (ScanFault.IsFault(e, cancellationToken))
        {
            return ScanFault.ToResult(e, Name, _timeProvider.GetElapsedTime(started), _options.ReadTimeout);
        }
    }

    internal byte[] BuildRequestHead(ScanRequest request, long length)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"POST /checkv2 HTTP/1.1\r\nHost: {_host}\r\nConnection: close\r\nContent-Length: {length}\r\n");
        Header(head, "IP", request.ClientAddress?.ToString());
        Header(head, "Hostname", request.ClientHostName);
        Header(head, "Helo", request.Helo);
        Header(head, "From", request.ReversePath is { Length: 0 } ? "<>" : request.ReversePath);
        foreach (var recipient in request.Recipients)
        {
            Header(head, "Rcpt", recipient);
        }

        Header(head, "Queue-Id", request.QueueId);
        Header(head, "User", request.AuthenticatedUser);
        return Encoding.UTF8.GetBytes(head.Append("\r\n").ToString());
    }

    private static void Header(StringBuilder head, string name, string? value)
    {
        // envelope values come from the SMTP client: never let one break the request's framing
        if (!string.IsNullOrEmpty(value) && value.AsSpan().IndexOfAny('\r', '\n', '\0') < 0)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
    }

    private ValueTask<ScannerConnection> OpenAsync(CancellationToken cancellationToken)
        => ScannerConnection.OpenAsync(_endPoint, _options.ConnectTimeout, _options.ReadTimeout, _timeProvider, cancellationToken);
}
