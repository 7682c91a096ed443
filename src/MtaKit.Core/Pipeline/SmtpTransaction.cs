namespace MtaKit;

/// <summary>One mail transaction (MAIL to the end of DATA, or RSET).</summary>
public sealed class SmtpTransaction
{
    private readonly List<Recipient> _recipients = [];

    internal SmtpTransaction(string id, Mailbox? reversePath, MailParameters parameters, DateTimeOffset startedAt)
    {
        Id = id;
        ReversePath = reversePath;
        Parameters = parameters;
        StartedAt = startedAt;
    }

    /// <summary>The queue id of this message (unique; in logs, the Received header and replies).</summary>
    public string Id { get; }

    /// <summary>The sender, or <see langword="null"/> for the null reverse path <c>&lt;&gt;</c> (bounces).</summary>
    public Mailbox? ReversePath { get; }

    /// <summary>The MAIL parameters.</summary>
    public MailParameters Parameters { get; }

    /// <summary>When MAIL was accepted.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The recipients accepted so far (discarded ones are not here).</summary>
    public IReadOnlyList<Recipient> Recipients => _recipients;

    /// <summary>Values stages attach for later stages of this transaction.</summary>
    public PropertyBag Properties { get; } = new();

    /// <summary>Why the message is to be quarantined, or <see langword="null"/>.</summary>
    public string? QuarantineReason { get; internal set; }

    internal void AddRecipient(Recipient recipient) => _recipients.Add(recipient);
}

/// <summary>An accepted recipient.</summary>
public sealed class Recipient
{
    internal Recipient(Mailbox address, RcptParameters parameters, SmtpReply reply)
    {
        Address = address;
        Parameters = parameters;
        Reply = reply;
    }

    /// <summary>The forward path.</summary>
    public Mailbox Address { get; }

    /// <summary>The RCPT parameters.</summary>
    public RcptParameters Parameters { get; }

    /// <summary>The reply the client got for this RCPT.</summary>
    public SmtpReply Reply { get; }

    /// <summary>Values stages attach for this recipient (its route, for example).</summary>
    public PropertyBag Properties { get; } = new();

    /// <inheritdoc/>
    public override string ToString() => Address.Address;
}
