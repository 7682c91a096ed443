using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace MtaKit;

/// <content>The mail transaction: MAIL, RCPT, DATA/BDAT and the one-shot send.</content>
public sealed partial class SmtpClientConnection
{
    private const int PipelineGroupSize = 100;
    private const int DataBlockSize = 64 * 1024;

    /// <summary>
    /// Sends MAIL FROM and opens a transaction. Parameters the peer does not support are dropped;
    /// a size above the peer's SIZE limit (552 5.3.4), SMTPUTF8 or BINARYMIME to a peer without them
    /// (550 5.6.7, 554 5.6.3) are permanent failures made locally without sending anything.
    /// </summary>
    /// <param name="reversePath">The sender without angle brackets; empty for the null sender.</param>
    /// <param name="parameters">The MAIL parameters, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the command (the connection is then closed).</param>
    /// <returns>The peer's reply, or a reply the client made (local check, fault).</returns>
    /// <exception cref="InvalidOperationException">A transaction is already open.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<SmtpReply> MailAsync(string reversePath, SmtpClientMailParameters? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reversePath);
        parameters ??= SmtpClientMailParameters.Empty;
        ThrowIfInTransaction();
        if (Fault is not null)
        {
            return Fault;
        }

        if (CheckMail(reversePath, parameters, []) is { } refused)
        {
            return refused;
        }

        AppendMail(reversePath, parameters);
        var reply = await ExchangeAsync(flush: true, _options.MailTimeout, "waiting for the reply to MAIL FROM", cancellationToken).ConfigureAwait(false);
        if (!reply.IsPositive)
        {
            EndTransaction();
        }

        return reply;
    }

    /// <summary>
    /// Opens a transaction with its first recipient: MAIL FROM and the first RCPT TO go in one write
    /// when the peer offers PIPELINING (RFC 2920; both replies are read in order), else one after the
    /// other as <see cref="MailAsync"/> and <see cref="RcptAsync"/> would. The cutthrough path saves a
    /// round trip per transaction this way and still gets the peer's own reply to each command.
    /// </summary>
    /// <param name="reversePath">The sender without angle brackets; empty for the null sender.</param>
    /// <param name="parameters">The MAIL parameters, or <see langword="null"/> for none.</param>
    /// <param name="recipient">The first recipient.</param>
    /// <param name="cancellationToken">Cancels the commands (the connection is then closed).</param>
    /// <returns>
    /// The reply to MAIL and, when MAIL was accepted, the reply to RCPT (<see langword="null"/> when MAIL
    /// was refused: the transaction is then closed and a pipelined RCPT's reply is discarded).
    /// </returns>
    /// <exception cref="InvalidOperationException">A transaction is already open.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(SmtpReply Mail, SmtpReply? Rcpt)> MailAndRcptAsync(string reversePath, SmtpClientMailParameters? parameters, SmtpClientRecipient recipient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reversePath);
        ArgumentNullException.ThrowIfNull(recipient);
        parameters ??= SmtpClientMailParameters.Empty;
        if (!(_options.UsePipelining && Capabilities.Pipelining))
        {
            var mail = await MailAsync(reversePath, parameters, cancellationToken).ConfigureAwait(false);
            return (mail, mail.IsPositive ? await RcptAsync(recipient, cancellationToken).ConfigureAwait(false) : null);
        }

        ThrowIfInTransaction();
        if (Fault is not null)
        {
            return (Fault, null);
        }

        if (CheckMail(reversePath, parameters, [recipient]) is { } refused)
        {
            return (refused, null);
        }

        AppendMail(reversePath, parameters);
        var rcptRefused = CheckRcpt(recipient);
        if (rcptRefused is null)
        {
            AppendRcpt(recipient);
        }

        var mailReply = await ExchangeAsync(flush: true, _options.MailTimeout, "waiting for the reply to MAIL FROM", cancellationToken).ConfigureAwait(false);
        var rcptReply = rcptRefused ?? await ExchangeAsync(flush: false, _options.RcptTimeout, "waiting for the reply to RCPT TO", cancellationToken).ConfigureAwait(false);
        if (!mailReply.IsPositive)
        {
            EndTransaction();
            return (mailReply, null);
        }

        if (rcptRefused is null)
        {
            _recipientsTried++;
            if (rcptReply.IsPositive && Fault is null)
            {
                _accepted.Add(recipient);
            }
        }

        return (mailReply, rcptReply);
    }

    /// <summary>
    /// Sends one RCPT TO with its DSN parameters (dropped when the peer lacks DSN) and waits for its
    /// reply; never pipelined, so the cutthrough path can pass each reply on.
    /// </summary>
    /// <param name="recipient">The recipient.</param>
    /// <param name="cancellationToken">Cancels the command (the connection is then closed).</param>
    /// <returns>The peer's reply, or a reply the client made (553 5.6.7 for a UTF-8 address without SMTPUTF8, fault).</returns>
    /// <exception cref="InvalidOperationException">No transaction is open (MAIL was not accepted).</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<SmtpReply> RcptAsync(SmtpClientRecipient recipient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ThrowIfNoTransaction();
        if (Fault is not null)
        {
            return Fault;
        }

        if (CheckRcpt(recipient) is { } refused)
        {
            return refused;
        }

        AppendRcpt(recipient);
        var reply = await ExchangeAsync(flush: true, _options.RcptTimeout, "waiting for the reply to RCPT TO", cancellationToken).ConfigureAwait(false);
        _recipientsTried++;
        if (reply.IsPositive && Fault is null)
        {
            _accepted.Add(recipient);
        }

        return reply;
    }

    /// <summary>
    /// Sends the message to the recipients accepted so far (DATA, or BDAT when the peer offers
    /// CHUNKING) and ends the transaction. The bytes are sent exactly, dot-stuffed for DATA.
    /// </summary>
    /// <param name="content">The message.</param>
    /// <param name="cancellationToken">Cancels the transfer (the connection is then closed).</param>
    /// <returns>
    /// One result per accepted recipient, in RCPT order: for SMTP all share the one reply, for LMTP
    /// each has its own. Empty when no recipient was accepted (the transaction is then reset).
    /// </returns>
    /// <remarks>When the connection failed after some RCPTs were accepted, each of them gets the transient fault reply.</remarks>
    /// <exception cref="InvalidOperationException">No transaction is open.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<IReadOnlyList<DeliveryResult>> DataAsync(IMessageContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ThrowIfNoTransaction();
        var recipients = _accepted.ToArray();
        if (recipients.Length == 0)
        {
            await RsetAsync(cancellationToken).ConfigureAwait(false);
            return [];
        }

        var results = await TransferAsync(recipients, content, cancellationToken).ConfigureAwait(false);
        foreach (var result in results)
        {
            SmtpClientMetrics.Count(result.Status);
        }

        SmtpClientLog.TransactionCompleted(_logger, Endpoint, results.Count(r => r.Status == DeliveryStatus.Accepted), _recipientsTried);
        return results;
    }

    /// <summary>
    /// Sends one message to all its recipients: MAIL and the RCPTs in one write when the peer offers
    /// PIPELINING (replies read in order, RFC 2920), then the data when at least one was accepted.
    /// </summary>
    /// <param name="envelope">Sender, recipients and MAIL parameters (SIZE is filled from the content).</param>
    /// <param name="content">The message.</param>
    /// <param name="cancellationToken">Cancels the send (the connection is then closed).</param>
    /// <returns>One result per envelope recipient, in envelope order.</returns>
    /// <exception cref="InvalidOperationException">A transaction is already open.</exception>
    public async ValueTask<IReadOnlyList<DeliveryResult>> SendAsync(SmtpClientEnvelope envelope, IMessageContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(content);
        ThrowIfInTransaction();
        var recipients = envelope.Recipients;
        var results = new DeliveryResult[recipients.Count];
        var parameters = envelope.Parameters.Size is null ? envelope.Parameters with { Size = content.Length } : envelope.Parameters;
        if (Fault is not null)
        {
            return Fill(results, Fault, DeliveryPhase.Connect, false);
        }

        if (CheckMail(envelope.ReversePath, parameters, recipients) is { } refused)
        {
            return Fill(results, refused, DeliveryPhase.Mail, false);
        }

        var pipelining = _options.UsePipelining && Capabilities.Pipelining;
        AppendMail(envelope.ReversePath, parameters);
        SmtpReply? mailReply = null;
        if (!pipelining)
        {
            mailReply = await ExchangeAsync(flush: true, _options.MailTimeout, "waiting for the reply to MAIL FROM", cancellationToken).ConfigureAwait(false);
            if (!mailReply.IsPositive)
            {
                EndTransaction();
                return Fill(results, mailReply, DeliveryPhase.Mail, IsPeer(mailReply));
            }
        }

        var acceptedIndexes = new List<int>(recipients.Count);
        for (var group = 0; group < recipients.Count; group += pipelining ? PipelineGroupSize : 1)
        {
            var end = Math.Min(recipients.Count, group + (pipelining ? PipelineGroupSize : 1));
            var sent = new List<int>(end - group);
            for (var i = group; i < end; i++)
            {
                if (CheckRcpt(recipients[i]) is { } rcptRefused)
                {
                    results[i] = new DeliveryResult(recipients[i], rcptRefused, DeliveryPhase.Rcpt, false);
                }
                else
                {
                    AppendRcpt(recipients[i]);
                    sent.Add(i);
                }
            }

            var flush = true;
            if (mailReply is null)
            {
                mailReply = await ExchangeAsync(flush, _options.MailTimeout, "waiting for the reply to MAIL FROM", cancellationToken).ConfigureAwait(false);
                flush = false;
            }

            foreach (var i in sent)
            {
                var reply = await ExchangeAsync(flush, _options.RcptTimeout, "waiting for the reply to RCPT TO", cancellationToken).ConfigureAwait(false);
                flush = false;
                _recipientsTried++;
                if (!mailReply.IsPositive)
                {
                    results[i] = new DeliveryResult(recipients[i], mailReply, DeliveryPhase.Mail, IsPeer(mailReply));
                }
                else
                {
                    results[i] = new DeliveryResult(recipients[i], reply, DeliveryPhase.Rcpt, IsPeer(reply));
                    if (reply.IsPositive && Fault is null)
                    {
                        _accepted.Add(recipients[i]);
                        acceptedIndexes.Add(i);
                    }
                }
            }

            _commandsLength = 0;
            if (!mailReply.IsPositive)
            {
                EndTransaction();
                return Fill(results, mailReply, DeliveryPhase.Mail, IsPeer(mailReply));
            }
        }

        if (acceptedIndexes.Count == 0)
        {
            if (Fault is null)
            {
                await RsetAsync(cancellationToken).ConfigureAwait(false);
            }

            EndTransaction();
        }
        else
        {
            var dataResults = await TransferAsync(_accepted.ToArray(), content, cancellationToken).ConfigureAwait(false);
            for (var k = 0; k < acceptedIndexes.Count; k++)
            {
                results[acceptedIndexes[k]] = dataResults[k];
            }
        }

        foreach (var result in results)
        {
            SmtpClientMetrics.Count(result.Status);
        }

        SmtpClientLog.TransactionCompleted(_logger, Endpoint, acceptedIndexes.Count(i => results[i].Status == DeliveryStatus.Accepted), recipients.Count);
        return results;

        DeliveryResult[] Fill(DeliveryResult[] all, SmtpReply reply, DeliveryPhase phase, bool isPeerReply)
        {
            for (var i = 0; i < all.Length; i++)
            {
                all[i] = new DeliveryResult(recipients[i], reply, phase, isPeerReply);
                SmtpClientMetrics.Count(all[i].Status);
            }

            return all;
        }
    }

    private bool IsPeer(SmtpReply reply) => !ReferenceEquals(reply, Fault);

    private void ThrowIfInTransaction()
    {
        if (InTransaction)
        {
            throw new InvalidOperationException("A transaction is open: finish it with DataAsync or RsetAsync first.");
        }
    }

    private void ThrowIfNoTransaction()
    {
        if (!InTransaction && Fault is null)
        {
            throw new InvalidOperationException("No transaction is open: MailAsync must be accepted first.");
        }
    }

    private SmtpReply? CheckMail(string reversePath, SmtpClientMailParameters parameters, IReadOnlyList<SmtpClientRecipient> recipients)
    {
        ValidatePath(reversePath, nameof(reversePath));
        if (parameters.Size is { } size && Capabilities.MaxMessageSize is { } max && size > max)
        {
            return new SmtpReply(552, new EnhancedStatusCode(5, 3, 4), string.Create(CultureInfo.InvariantCulture, $"Message size {size} exceeds the fixed limit {max} of {Endpoint}"));
        }

        if ((parameters.RequiresSmtpUtf8 || !Ascii.IsValid(reversePath)) && !Capabilities.SmtpUtf8)
        {
            return new SmtpReply(550, new EnhancedStatusCode(5, 6, 7), $"The message needs SMTPUTF8, which {Endpoint} does not offer");
        }

        if (parameters.Body == BodyType.BinaryMime && !(Capabilities.BinaryMime && Capabilities.Chunking))
        {
            return new SmtpReply(554, new EnhancedStatusCode(5, 6, 3), $"The message is BINARYMIME, which {Endpoint} does not accept");
        }

        StartTransaction();
        _mailParameters = parameters;
        _mailSmtpUtf8 = Capabilities.SmtpUtf8 && (parameters.RequiresSmtpUtf8 || !Ascii.IsValid(reversePath) || recipients.Any(r => !Ascii.IsValid(r.ForwardPath)));
        return null;
    }

    private SmtpReply? CheckRcpt(SmtpClientRecipient recipient)
    {
        ValidatePath(recipient.ForwardPath, nameof(recipient));
        return !_mailSmtpUtf8 && !Ascii.IsValid(recipient.ForwardPath)
            ? new SmtpReply(553, new EnhancedStatusCode(5, 6, 7), $"The address needs SMTPUTF8, which {(Capabilities.SmtpUtf8 ? "the transaction did not announce" : Endpoint + " does not offer")}")
            : null;
    }

    private static void ValidatePath(string path, string name)
    {
        foreach (var c in path)
        {
            if (c < ' ' || c is '\x7f' or '<' or '>')
            {
                throw new ArgumentException("An address must not contain control characters or angle brackets.", name);
            }
        }
    }

    private void AppendMail(string reversePath, SmtpClientMailParameters parameters)
    {
        var sb = _line.Clear().Append("MAIL FROM:<").Append(reversePath).Append('>');
        var caps = Capabilities;
        if (parameters.Size is { } size && caps.Size)
        {
            sb.Append(CultureInfo.InvariantCulture, $" SIZE={size}");
        }

        var body = parameters.Body switch
        {
            BodyType.SevenBit when caps.EightBitMime => "7BIT",
            BodyType.EightBitMime when caps.EightBitMime => "8BITMIME",
            BodyType.BinaryMime => "BINARYMIME",
            _ => null,
        };
        if (body is not null)
        {
            sb.Append(" BODY=").Append(body);
        }

        if (_mailSmtpUtf8)
        {
            sb.Append(" SMTPUTF8");
        }

        if (caps.Dsn)
        {
            if (parameters.DsnReturn != DsnReturn.Unspecified)
            {
                sb.Append(parameters.DsnReturn == DsnReturn.Full ? " RET=FULL" : " RET=HDRS");
            }

            if (!string.IsNullOrEmpty(parameters.EnvelopeId))
            {
                sb.Append(" ENVID=").Append(XText.Encode(parameters.EnvelopeId));
            }
        }

        foreach (var (name, value) in parameters.Extensions)
        {
            if (caps.Has(name))
            {
                sb.Append(' ').Append(name).Append('=').Append(value);
            }
        }

        AppendCommand(sb);
    }

    private static readonly (DsnNotify Flag, string Keyword)[] NotifyKeywords = [(DsnNotify.Success, "SUCCESS"), (DsnNotify.Failure, "FAILURE"), (DsnNotify.Delay, "DELAY")];

    private void AppendRcpt(SmtpClientRecipient recipient)
    {
        var sb = _line.Clear().Append("RCPT TO:<").Append(recipient.ForwardPath).Append('>');
        if (Capabilities.Dsn)
        {
            if (recipient.Notify != DsnNotify.Unspecified)
            {
                // No lambda here: a closure over the parameter would be allocated on every call.
                sb.Append(" NOTIFY=");
                if (recipient.Notify.HasFlag(DsnNotify.Never))
                {
                    sb.Append("NEVER");
                }
                else
                {
                    var first = true;
                    foreach (var (flag, keyword) in NotifyKeywords)
                    {
                        if (recipient.Notify.HasFlag(flag))
                        {
                            sb.Append(first ? string.Empty : ",").Append(keyword);
                            first = false;
                        }
                    }
                }
            }

            if (!string.IsNullOrEmpty(recipient.OriginalRecipient))
            {
                sb.Append(" ORCPT=rfc822;").Append(XText.Encode(recipient.OriginalRecipient));
            }
        }

        AppendCommand(sb);
    }
}
