using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace MtaKit;

/// <content>The message transfer: DATA with on-the-fly dot-stuffing, or BDAT chunks.</content>
public sealed partial class SmtpClientConnection
{
    private const int BdatHeaderSpace = 32;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<DeliveryResult[]> TransferAsync(SmtpClientRecipient[] recipients, IMessageContent content, CancellationToken cancellationToken)
    {
        SmtpReply[] replies;
        var local = false;
        if (Fault is not null)
        {
            replies = [Fault];
        }
        else if (Capabilities.MaxMessageSize is { } max && content.Length > max)
        {
            replies = [new SmtpReply(552, new EnhancedStatusCode(5, 3, 4), string.Create(CultureInfo.InvariantCulture, $"Message size {content.Length} exceeds the fixed limit {max} of {Endpoint}"))];
            local = true;
            await RsetAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var chunking = Capabilities.Chunking && (_options.UseChunking || _mailParameters.Body == BodyType.BinaryMime);
            replies = chunking
                ? await BdatAsync(recipients.Length, content, cancellationToken).ConfigureAwait(false)
                : await DataCommandAsync(recipients.Length, content, cancellationToken).ConfigureAwait(false);
            if (Fault is null)
            {
                CompletedTransactions++;
            }
        }

        EndTransaction();
        var results = new DeliveryResult[recipients.Length];
        for (var i = 0; i < recipients.Length; i++)
        {
            var reply = replies.Length == recipients.Length ? replies[i] : replies[0];
            results[i] = new DeliveryResult(recipients[i], reply, DeliveryPhase.Data, !local && IsPeer(reply));
        }

        return results;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SmtpReply[]> DataCommandAsync(int recipients, IMessageContent content, CancellationToken cancellationToken)
    {
        AppendCommand("DATA");
        var go = await ExchangeAsync(flush: true, _options.DataInitiationTimeout, "waiting for the reply to DATA", cancellationToken).ConfigureAwait(false);
        if (go.Code != 354)
        {
            return go.IsPositive
                ? [SetFault(new SmtpClientProtocolException($"Unexpected reply to DATA: {go}"), "waiting for the reply to DATA", _options.DataInitiationTimeout)]
                : [go];
        }

        var encoder = new DotStuffingEncoder();
        var input = ArrayPool<byte>.Shared.Rent(DataBlockSize);
        var output = ArrayPool<byte>.Shared.Rent(DataBlockSize + DotStuffingEncoder.MaxOutputLength(DataBlockSize) + DotStuffingEncoder.MaxTerminatorLength);
        var token = _deadline.Arm(_options.DataBlockTimeout, cancellationToken, _transaction?.Token ?? CancellationToken.None);
        try
        {
            var source = content.OpenRead();
            await using (source.ConfigureAwait(false))
            {
                var pending = 0;
                int read;
                while ((read = await source.ReadAsync(input.AsMemory(0, DataBlockSize), token).ConfigureAwait(false)) > 0)
                {
                    pending += encoder.Encode(input.AsSpan(0, read), output.AsSpan(pending));
                    if (pending >= DataBlockSize)
                    {
                        _deadline.Extend(_options.DataBlockTimeout);
                        await _stream.WriteAsync(output.AsMemory(0, pending), token).ConfigureAwait(false);
                        pending = 0;
                    }
                }

                pending += encoder.Complete(output.AsSpan(pending));
                _deadline.Extend(_options.DataBlockTimeout);
                await _stream.WriteAsync(output.AsMemory(0, pending), token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abort();
            throw;
        }
        catch (Exception ex) when (IsFault(ex))
        {
            return [SetFault(ex, "sending the message data", _options.DataBlockTimeout)];
        }
        finally
        {
            _deadline.Disarm();
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }

        return await ReadFinalRepliesAsync(recipients, cancellationToken).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SmtpReply[]> BdatAsync(int recipients, IMessageContent content, CancellationToken cancellationToken)
    {
        var chunkSize = _options.ChunkSize;
        var pipelining = Capabilities.Pipelining;
        var buffer = ArrayPool<byte>.Shared.Rent(BdatHeaderSpace + chunkSize);
        var pendingReplies = 0;
        using (var timer = new CancellationTokenSource(_options.DataBlockTimeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token, _transaction?.Token ?? CancellationToken.None))
        {
            try
            {
                var source = content.OpenRead();
                await using (source.ConfigureAwait(false))
                {
                    long sent = 0;
                    while (true)
                    {
                        var n = await source.ReadAtLeastAsync(buffer.AsMemory(BdatHeaderSpace, chunkSize), chunkSize, throwOnEndOfStream: false, linked.Token).ConfigureAwait(false);
                        var last = n < chunkSize || sent + n >= content.Length;
                        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"BDAT {n}{(last ? " LAST" : string.Empty)}\r\n"));
                        header.CopyTo(buffer.AsSpan(BdatHeaderSpace - header.Length));
                        timer.CancelAfter(_options.DataBlockTimeout);
                        await _stream.WriteAsync(buffer.AsMemory(BdatHeaderSpace - header.Length, header.Length + n), linked.Token).ConfigureAwait(false);
                        sent += n;
                        if (last)
                        {
                            break;
                        }

                        if (pipelining)
                        {
                            pendingReplies++;
                            continue;
                        }

                        var reply = await ExchangeAsync(flush: false, _options.DataBlockTimeout, "waiting for the reply to BDAT", cancellationToken).ConfigureAwait(false);
                        if (!reply.IsPositive)
                        {
                            if (Fault is null)
                            {
                                await RsetAsync(cancellationToken).ConfigureAwait(false);
                            }

                            return [reply];
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Abort();
                throw;
            }
            catch (Exception ex) when (IsFault(ex))
            {
                return [SetFault(ex, "sending BDAT chunks", _options.DataBlockTimeout)];
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        SmtpReply? chunkFailure = null;
        for (var i = 0; i < pendingReplies; i++)
        {
            var reply = await ExchangeAsync(flush: false, _options.DataBlockTimeout, "waiting for the reply to BDAT", cancellationToken).ConfigureAwait(false);
            if (!reply.IsPositive)
            {
                chunkFailure ??= reply;
            }
        }

        var final = await ReadFinalRepliesAsync(recipients, cancellationToken).ConfigureAwait(false);
        return chunkFailure is null ? final : [chunkFailure];
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SmtpReply[]> ReadFinalRepliesAsync(int recipients, CancellationToken cancellationToken)
    {
        // LMTP (RFC 2033 4.2): one reply per recipient accepted at RCPT, in RCPT order.
        var replies = new SmtpReply[IsLmtp ? recipients : 1];
        for (var i = 0; i < replies.Length; i++)
        {
            replies[i] = await ExchangeAsync(flush: false, _options.DataTerminationTimeout, "waiting for the reply to the end of data", cancellationToken).ConfigureAwait(false);
        }

        return replies;
    }
}
