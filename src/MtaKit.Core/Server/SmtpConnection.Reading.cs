using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;
using MtaKit.Messages;

namespace MtaKit.Server;

/// <summary>Reading: command lines, DATA, BDAT chunks, the PROXY header; timeouts and drain wake-ups.</summary>
internal sealed partial class SmtpConnection
{
    private void OnTimer() => _reader.CancelPendingRead();

    private void OnDrain()
    {
        if (_idle)
        {
            _drainWake = true;
            _reader.CancelPendingRead();
        }
    }

    private void Abort()
    {
        try
        {
            _socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        _reader.CancelPendingRead();
    }

    /// <summary>Flushes pending replies, then waits for more input; null when the session must end (EOF, timeout, drain).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult?> ReadMoreAsync(TimeSpan timeout)
    {
        await FlushAsync().ConfigureAwait(false);
        _readStarted = _server.Time.GetTimestamp();
        _readTimeout = timeout;
        _timer.Change(timeout, Timeout.InfiniteTimeSpan);
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync().ConfigureAwait(false);
                if (!result.IsCanceled)
                {
                    return result;
                }

                if (_server.Aborted.IsCancellationRequested)
                {
                    _closeReason = "server stopped";
                    return null;
                }

                if (_drainWake)
                {
                    _drainWake = false;
                    if (_tx is null)
                    {
                        WriteRaw(Replies.ShuttingDown);
                        await FlushAsync().ConfigureAwait(false);
                        _closeReason = "server stopping";
                        return null;
                    }

                    continue;
                }

                var elapsed = _server.Time.GetElapsedTime(_readStarted);
                if (elapsed < _readTimeout)
                {
                    // Woken early (timer granularity, or a drain wake during a transaction): wait for the rest.
                    _timer.Change(_readTimeout - elapsed, Timeout.InfiniteTimeSpan);
                    continue;
                }

                if (_dataDeadline)
                {
                    // The whole-transfer deadline of MinimumDataRate, not the idle timeout, ran out.
                    return await DataTooSlowAsync().ConfigureAwait(false);
                }

                if (_session.HeloName is not null || _greeted)
                {
                    WriteRaw(Replies.Timeout);
                }

                await FlushAsync().ConfigureAwait(false);
                _closeReason = "timeout";
                return null;
            }
        }
        finally
        {
            _dataDeadline = false;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Starts measuring a message transfer (after 354, or at the first BDAT chunk of a message).</summary>
    private void StartDataTransfer()
    {
        _dataStarted = _server.Time.GetTimestamp();
        _dataReceived = 0;
    }

    /// <summary>Waits for more message data: <see cref="SmtpLimits.DataTimeout"/> bounds each wait, <see cref="SmtpLimits.MinimumDataRate"/> the whole transfer.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult?> NextDataAsync()
    {
        var timeout = _limits.DataTimeout;
        var deadline = false;
        if (_limits.MinimumDataRate > 0)
        {
            var allowed = _limits.DataRateGracePeriod + TimeSpan.FromSeconds((double)_dataReceived / _limits.MinimumDataRate);
            var left = allowed - _server.Time.GetElapsedTime(_dataStarted);
            if (left <= TimeSpan.Zero)
            {
                // Checked before the read too: bytes already buffered (tiny pipelined BDAT chunks) must not dodge it.
                return await DataTooSlowAsync().ConfigureAwait(false);
            }

            if (left < timeout)
            {
                timeout = left;
                deadline = true;
            }
        }

        return await NextAsync(timeout, deadline).ConfigureAwait(false);
    }

    /// <summary>Answers 421 4.4.2 to a transfer below <see cref="SmtpLimits.MinimumDataRate"/>, logs it, and ends the session.</summary>
    private async ValueTask<ReadResult?> DataTooSlowAsync()
    {
        var seconds = (long)_server.Time.GetElapsedTime(_dataStarted).TotalSeconds;
        ServerLog.DataTooSlow(_server.Logger, _session.Id, Client, _dataReceived, seconds);
        WriteRaw(Replies.DataTooSlow);
        await FlushAsync().ConfigureAwait(false);
        _closeReason = "data too slow";
        return null;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult?> NextAsync(TimeSpan timeout, bool dataDeadline = false)
    {
        if (!_needMore && _reader.TryRead(out var buffered))
        {
            return buffered;
        }

        _needMore = false;
        _dataDeadline = dataDeadline;
        return await ReadMoreAsync(timeout).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<LineStatus> ReadLineAsync(TimeSpan timeout)
    {
        var discarding = false;
        var max = _limits.MaxCommandLineLength + 2;

        // The timeout bounds the whole line, not the gap between two reads: a client that drips one
        // byte per interval (slowloris) must not hold the connection forever.
        var started = _server.Time.GetTimestamp();
        while (true)
        {
            var remaining = timeout == Timeout.InfiniteTimeSpan ? timeout : timeout - _server.Time.GetElapsedTime(started);
            if (await NextAsync(remaining == Timeout.InfiniteTimeSpan || remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero).ConfigureAwait(false) is not { } result)
            {
                return LineStatus.Closed;
            }

            var buffer = result.Buffer;
            var lf = buffer.PositionOf((byte)'\n');
            if (lf is null)
            {
                if (result.IsCompleted)
                {
                    _reader.AdvanceTo(buffer.End);
                    _closeReason = "client closed";
                    return LineStatus.Closed;
                }

                if (discarding || buffer.Length > max)
                {
                    discarding = true;
                    _reader.AdvanceTo(buffer.End);
                }
                else
                {
                    _reader.AdvanceTo(buffer.Start, buffer.End);
                }

                _needMore = true;
                continue;
            }

            var line = buffer.Slice(0, lf.Value);
            var next = buffer.GetPosition(1, lf.Value);
            if (discarding || line.Length > max - 1)
            {
                _reader.AdvanceTo(next);
                return LineStatus.TooLong;
            }

            line.CopyTo(_line);
            _lineLength = (int)line.Length;
            if (_lineLength > 0 && _line[_lineLength - 1] == (byte)'\r')
            {
                _lineLength--;
            }

            _reader.AdvanceTo(next);
            return LineStatus.Ok;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadDataAsync(DataDecoder decoder)
    {
        while (true)
        {
            if (await NextDataAsync().ConfigureAwait(false) is not { } result)
            {
                return false;
            }

            var buffer = result.Buffer;
            _dataReceived += buffer.Length;
            long offset = 0;
            foreach (var segment in buffer)
            {
                if (decoder.Decode(segment.Span, out var consumed))
                {
                    _reader.AdvanceTo(buffer.GetPosition(offset + consumed));
                    return true;
                }

                offset += segment.Length;
            }

            _reader.AdvanceTo(buffer.End);
            _needMore = true;
            if (result.IsCompleted)
            {
                _closeReason = "client closed during DATA";
                return false;
            }
        }
    }

    /// <summary>Reads exactly <paramref name="size"/> bytes into <paramref name="target"/> (or drops them when it is null).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadChunkAsync(long size, MessageBuffer? target)
    {
        var remaining = size;
        while (remaining > 0)
        {
            if (await NextDataAsync().ConfigureAwait(false) is not { } result)
            {
                _close = true;
                return false;
            }

            var buffer = result.Buffer;
            var take = Math.Min(remaining, buffer.Length);
            _dataReceived += take;
            if (target is not null)
            {
                foreach (var segment in buffer.Slice(0, take))
                {
                    target.Write(segment.Span);
                }
            }

            remaining -= take;
            _reader.AdvanceTo(buffer.GetPosition(take));
            if (remaining > 0)
            {
                _needMore = true;
                if (result.IsCompleted)
                {
                    _closeReason = "client closed during BDAT";
                    _close = true;
                    return false;
                }
            }
        }

        return true;
    }

    private ValueTask<bool> SkipBytesAsync(long size) => ReadChunkAsync(size, null);

    /// <summary>Reads the PROXY header; returns null when the connection must close, else whether bytes followed it at once (early talk).</summary>
    private async ValueTask<bool?> ReadProxyHeaderAsync()
    {
        var peer = _session.RemoteEndPoint.Address;
        if (!_listener.Options.TrustedProxies.Any(n => n.Contains(peer)))
        {
            ServerLog.ProxyRejected(_server.Logger, _listener.Options.Name, peer, "peer is not a trusted proxy");
            _closeReason = "untrusted proxy";
            return null;
        }

        var started = _server.Time.GetTimestamp();
        while (true)
        {
            var remaining = _listener.Options.ProxyHeaderTimeout - _server.Time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero || await NextAsync(remaining).ConfigureAwait(false) is not { } result)
            {
                ServerLog.ProxyRejected(_server.Logger, _listener.Options.Name, peer, "no PROXY header in time");
                _closeReason = "no PROXY header";
                return null;
            }

            var buffer = result.Buffer;
            var status = ProxyProtocolParser.TryParse(buffer, out var consumed, out var source, out var destination, out var error);
            if (status == ProxyParseStatus.NeedMoreData)
            {
                if (result.IsCompleted)
                {
                    _closeReason = "closed before PROXY header";
                    return null;
                }

                _reader.AdvanceTo(buffer.Start, buffer.End);
                _needMore = true;
                continue;
            }

            if (status == ProxyParseStatus.Invalid)
            {
                _reader.AdvanceTo(buffer.End);
                ServerLog.ProxyRejected(_server.Logger, _listener.Options.Name, peer, error ?? "malformed");
                _closeReason = "bad PROXY header";
                return null;
            }

            _reader.AdvanceTo(buffer.GetPosition(consumed));
            if (status == ProxyParseStatus.Proxied)
            {
                _session.ProxyEndPoint = _session.RemoteEndPoint;
                _session.RemoteEndPoint = Normalise(source!);
                _session.LocalEndPoint = Normalise(destination!);
            }

            // Bytes right behind the header were sent before our greeting: the PROXY bytes themselves never count.
            return buffer.Length > consumed;
        }
    }
}
