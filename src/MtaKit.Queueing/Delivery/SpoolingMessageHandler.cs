namespace MtaKit.Queueing;

/// <summary>
/// A fallback tier's message handler: writes the message and its envelope to the durable spool
/// (fsynced, file and directory) before answering 250, then gives it to the <see cref="QueueRunner"/>.
/// A tier hand-off parameter (<see cref="TierHandOffParameter"/>) from a trusted tier keeps the
/// message's original arrival time, attempts and DSN state; the listener accepts that parameter only
/// from its trusted tier networks (<c>SmtpListenerOptions.ExtraMailParametersFrom</c>).
/// </summary>
public sealed class SpoolingMessageHandler : IMessageHandler
{
    private readonly IMessageSpool _spool;
    private readonly QueueRunner _runner;
    private readonly TimeProvider _time;

    /// <summary>Creates the handler.</summary>
    public SpoolingMessageHandler(IMessageSpool spool, QueueRunner runner, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(spool);
        ArgumentNullException.ThrowIfNull(runner);
        _spool = spool;
        _runner = runner;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public ValueTask<IMessageTransaction> BeginTransactionAsync(MailContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Parameters.Extensions.TryGetValue(TierHandOffParameter.Name, out var value)
            && !TierHandOffParameter.TryDecode(value, out _, out var error))
        {
            return new(new Refused(SmtpVerdict.Reject(501, "5.5.4", "Bad " + TierHandOffParameter.Name + " parameter: " + error)));
        }

        return new(new Transaction(this));
    }

    private sealed class Refused(SmtpVerdict verdict) : IMessageTransaction
    {
        public ValueTask<SmtpVerdict> AddRecipientAsync(RcptContext context) => new(verdict);

        public ValueTask<SmtpVerdict> DeliverAsync(DataContext context) => new(verdict);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Transaction(SpoolingMessageHandler owner) : IMessageTransaction
    {
        public ValueTask<SmtpVerdict> AddRecipientAsync(RcptContext context) => new(SmtpVerdict.Accept());

        public async ValueTask<SmtpVerdict> DeliverAsync(DataContext context)
        {
            await owner._runner.Ready.WaitAsync(context.Aborted).ConfigureAwait(false);
            var now = owner._time.GetUtcNow();
            var tx = context.Transaction;
            var entry = new SpoolEntry
            {
                Id = QueueId.NewId(owner._time, Random.Shared),
                Envelope = new SpoolEnvelope
                {
                    ReversePath = tx.ReversePath?.Address ?? string.Empty,
                    Recipients = [.. tx.Recipients.Select(r => new SpoolRecipient { Address = r.Address.Address, Notify = r.Parameters.Notify, OriginalRecipient = r.Parameters.OriginalRecipient })],
                    EnvelopeId = tx.Parameters.EnvelopeId,
                    Return = tx.Parameters.Return,
                    BodyType = tx.Parameters.Body,
                    SmtpUtf8 = tx.Parameters.SmtpUtf8,
                },
                OriginalArrival = now,
                TierArrival = now,
                NextAttempt = now,
                SenderValidation = SenderValidationEvaluator.Evaluate(context.Session, tx),
            };
            if (tx.Parameters.Extensions.TryGetValue(TierHandOffParameter.Name, out var value) && TierHandOffParameter.TryDecode(value, out var handOff, out _))
            {
                entry = handOff.ApplyTo(entry);
            }

            try
            {
                await owner._spool.StoreAsync(entry, context.Message, context.Aborted).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                return SmtpVerdict.Defer(451, "4.3.0", "Queue temporarily unavailable: try again later", "spool write failed: " + e.Message);
            }

            owner._runner.Enqueue(entry);
            return SmtpVerdict.Accept(new SmtpReply(250, "2.0.0", $"Ok: queued as {entry.Id}"), "spooled as " + entry.Id);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
