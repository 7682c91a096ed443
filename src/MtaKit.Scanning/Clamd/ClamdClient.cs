using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace MtaKit.Scanning;

/// <summary>
/// A ClamAV clamd client: <c>zINSTREAM</c> with 4-byte big-endian chunk framing, <c>zPING</c> and
/// <c>zVERSION</c>, over TCP or a Unix socket. One connection per command (clamd closes it after
/// the reply). Thread-safe.
/// </summary>
public sealed class ClamdClient : IScanner
{
    private const int MaxReplyBytes = 64 * 1024;
    private static readonly byte[] InStream = "zINSTREAM\0"u8.ToArray();
    private static readonly byte[] Ping = "zPING\0"u8.ToArray();
    private static readonly byte[] Version = "zVERSION\0"u8.ToArray();

    private readonly ClamdClientOptions _options;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a client.</summary>
    /// <param name="options">Where clamd listens and the limits.</param>
    /// <param name="timeProvider">The clock for timeouts and elapsed times; <see cref="TimeProvider.System"/> when null.</param>
    public ClamdClient(ClamdClientOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        Name = options.Name ?? "clamd:" + ScannerAddress.Format(options.EndPoint);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Sends <c>zPING</c>; true when clamd answers <c>PONG</c>, false on any fault or timeout.</summary>
    /// <param name="cancellationToken">Cancels the probe.</param>
    public async ValueTask<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await CommandAsync(Ping, cancellationToken).ConfigureAwait(false) == "PONG";
        }
        catch (Exception e) when (ScanFault.IsFault(e, cancellationToken))
        {
            return false;
        }
    }

    /// <summary>Sends <c>zVERSION</c> and returns clamd's answer (<c>ClamAV 1.4.6/27000/...</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="IOException">clamd could not be reached or did not answer in time.</exception>
    public async ValueTask<string> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await CommandAsync(Version, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"{Name}: no answer to VERSION", e);
        }
    }

    /// <inheritdoc />
    public async ValueTask<ScanResult> ScanAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _timeProvider.GetTimestamp();
        if (_options.MaxStreamLength is { } max && request.Message.Length > max)
        {
            return ScanResult.TooLarge(Name, TimeSpan.Zero, $"message of {request.Message.Length} bytes is above clamd's stream limit of {max} bytes: not sent");
        }

        try
        {
            var stream = request.Message.OpenRead();
            await using (stream.ConfigureAwait(false))
            {
                var reply = await InStreamAsync(stream, cancellationToken).ConfigureAwait(false);
                return ClamdReplyParser.Parse(reply, Name, _timeProvider.GetElapsedTime(started));
            }
        }
        catch (Exception e) when (ScanFault.IsFault(e, cancellationToken))
        {
            return ScanFault.ToResult(e, Name, _timeProvider.GetElapsedTime(started), _options.ReadTimeout);
        }
    }

    private async ValueTask<string> InStreamAsync(Stream content, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(_options.ChunkSize + 4);
            try
            {
                await connection.WriteAsync(InStream).ConfigureAwait(false);
                while (true)
                {
                    var n = await content.ReadAtLeastAsync(buffer.AsMemory(4, _options.ChunkSize), _options.ChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                    BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)n);
                    await connection.WriteAsync(buffer.AsMemory(0, n + 4)).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }
                }
            }
            catch (IOException)
            {
                // clamd stops reading and closes once StreamMaxLength is passed: its reply may still be there
                return await TryReadReplyAsync(connection).ConfigureAwait(false) ?? throw new IOException("clamd closed the connection during INSTREAM without a reply");
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return Encoding.ASCII.GetString(await connection.ReadReplyAsync(MaxReplyBytes, 0).ConfigureAwait(false));
        }
    }

    private static async ValueTask<string?> TryReadReplyAsync(ScannerConnection connection)
    {
        try
        {
            var reply = await connection.ReadReplyAsync(MaxReplyBytes, 0).ConfigureAwait(false);
            return reply.Length == 0 ? null : Encoding.ASCII.GetString(reply);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async ValueTask<string> CommandAsync(byte[] command, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.WriteAsync(command).ConfigureAwait(false);
            var reply = await connection.ReadReplyAsync(MaxReplyBytes, 0).ConfigureAwait(false);
            return Encoding.ASCII.GetString(reply).TrimEnd('\n', '\r');
        }
    }

    private ValueTask<ScannerConnection> OpenAsync(CancellationToken cancellationToken)
        => ScannerConnection.OpenAsync(_options.EndPoint, _options.ConnectTimeout, _options.ReadTimeout, _timeProvider, cancellationToken);
}
