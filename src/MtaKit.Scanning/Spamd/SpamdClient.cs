using System.Globalization;
using System.Text;

namespace MtaKit.Scanning;

/// <summary>
/// A SpamAssassin spamd client speaking SPAMC/1.5 (<c>CHECK</c>, <c>SYMBOLS</c>, <c>REPORT</c>,
/// <c>HEADERS</c>) over TCP or a Unix socket, one connection per message. Like spamc, messages
/// above <see cref="SpamdClientOptions.MaxMessageSize"/> are not sent. Thread-safe.
/// </summary>
public sealed class SpamdClient : IScanner
{
    private const int MaxReplyBytes = 1024 * 1024;

    private readonly SpamdClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly string _verb;

    /// <summary>Creates a client.</summary>
    /// <param name="options">Where spamd listens, the command and the limits.</param>
    /// <param name="timeProvider">The clock for timeouts and elapsed times; <see cref="TimeProvider.System"/> when null.</param>
    public SpamdClient(SpamdClientOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _verb = options.Command.ToString().ToUpperInvariant();
        Name = options.Name ?? "spamd:" + ScannerAddress.Format(options.EndPoint);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Sends <c>PING</c>; true when spamd answers <c>PONG</c>, false on any fault or timeout.</summary>
    /// <param name="cancellationToken">Cancels the probe.</param>
    public async ValueTask<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await connection.WriteAsync("PING SPAMC/1.5\r\n\r\n"u8.ToArray()).ConfigureAwait(false);
                connection.ShutdownSend();
                var reply = Encoding.ASCII.GetString(await connection.ReadReplyAsync(4096).ConfigureAwait(false));
                return reply.StartsWith("SPAMD/", StringComparison.Ordinal) && reply.Contains(" 0 PONG", StringComparison.Ordinal);
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
            return ScanResult.Skipped(Name, TimeSpan.Zero, $"message of {length} bytes is above the spamd maximum of {_options.MaxMessageSize} bytes: not sent");
        }

        var started = _timeProvider.GetTimestamp();
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await connection.WriteAsync(BuildHeader(length)).ConfigureAwait(false);
                await connection.SendContentAsync(request.Message, length, cancellationToken).ConfigureAwait(false);

                connection.ShutdownSend();
                var reply = await connection.ReadReplyAsync(MaxReplyBytes).ConfigureAwait(false);
                return SpamdReplyParser.Parse(reply, _options.Command, Name, _timeProvider.GetElapsedTime(started));
            }
        }
        catch (Exception e) when (ScanFault.IsFault(e, cancellationToken))
        {
            return ScanFault.ToResult(e, Name, _timeProvider.GetElapsedTime(started), _options.ReadTimeout);
        }
    }

    private byte[] BuildHeader(long length)
    {
        var header = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{_verb} SPAMC/1.5\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-length: {length}\r\n");
        if (_options.User is { } user)
        {
            header.Append(CultureInfo.InvariantCulture, $"User: {user}\r\n");
        }

        return Encoding.UTF8.GetBytes(header.Append("\r\n").ToString());
    }

    private ValueTask<ScannerConnection> OpenAsync(CancellationToken cancellationToken)
        => ScannerConnection.OpenAsync(_options.EndPoint, _options.ConnectTimeout, _options.ReadTimeout, _timeProvider, cancellationToken);
}
