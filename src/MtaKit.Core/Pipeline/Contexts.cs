namespace MtaKit;

/// <summary>What every phase context has.</summary>
public abstract class StageContext
{
    private protected StageContext(SmtpSession session, IServiceProvider services)
    {
        Session = session;
        Services = services;
    }

    /// <summary>The connection.</summary>
    public SmtpSession Session { get; }

    /// <summary>The host's services (for stages that resolve per-call dependencies).</summary>
    public IServiceProvider Services { get; }

    /// <summary>Cancelled when the connection is lost or the server stops.</summary>
    public CancellationToken Aborted => Session.Aborted;
}

/// <summary>The connect phase: a new connection, before the greeting.</summary>
public sealed class ConnectContext : StageContext
{
    internal ConnectContext(SmtpSession session, IServiceProvider services) : base(session, services)
    {
    }
}

/// <summary>The HELO/EHLO phase.</summary>
public sealed class HeloContext : StageContext
{
    internal HeloContext(SmtpSession session, IServiceProvider services, string heloName, bool isExtended) : base(session, services)
    {
        HeloName = heloName;
        IsExtended = isExtended;
    }

    /// <summary>The name the client gave.</summary>
    public string HeloName { get; }

    /// <summary>True for EHLO.</summary>
    public bool IsExtended { get; }
}

/// <summary>The MAIL phase.</summary>
public sealed class MailContext : StageContext
{
    internal MailContext(SmtpSession session, IServiceProvider services, SmtpTransaction transaction) : base(session, services)
    {
        Transaction = transaction;
    }

    /// <summary>The transaction MAIL starts.</summary>
    public SmtpTransaction Transaction { get; }

    /// <summary>The sender, or <see langword="null"/> for <c>&lt;&gt;</c>.</summary>
    public Mailbox? ReversePath => Transaction.ReversePath;

    /// <summary>The MAIL parameters.</summary>
    public MailParameters Parameters => Transaction.Parameters;
}

/// <summary>The RCPT phase: one recipient.</summary>
public sealed class RcptContext : StageContext
{
    internal RcptContext(SmtpSession session, IServiceProvider services, SmtpTransaction transaction, Mailbox recipient, RcptParameters parameters, bool hadSourceRoute)
        : base(session, services)
    {
        Transaction = transaction;
        Recipient = recipient;
        Parameters = parameters;
        HadSourceRoute = hadSourceRoute;
    }

    /// <summary>The transaction.</summary>
    public SmtpTransaction Transaction { get; }

    /// <summary>Set when the chain reached the engine's last RCPT step (a flag, not a property: no dictionary per RCPT).</summary>
    internal bool TerminalReached { get; set; }

    /// <summary>The forward path.</summary>
    public Mailbox Recipient { get; }

    /// <summary>The RCPT parameters.</summary>
    public RcptParameters Parameters { get; }

    /// <summary>True when the client sent an RFC 5321 source route (removed from <see cref="Recipient"/>).</summary>
    public bool HadSourceRoute { get; }

    /// <summary>Values for this recipient, kept on the <see cref="MtaKit.Recipient"/> once it is accepted.</summary>
    public PropertyBag Properties { get; } = new();

    /// <summary>Why relaying was authorised for this recipient, or <see langword="null"/>.</summary>
    public string? RelayAuthorization { get; private set; }

    /// <summary>
    /// Lets this recipient pass the engine's relay control even if its domain is not one of ours. The reason is logged.
    /// </summary>
    public void AuthorizeRelay(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        RelayAuthorization = reason;
    }
}

/// <summary>The data phase: the whole message received, the final reply not yet given.</summary>
public sealed class DataContext : StageContext
{
    private readonly Messages.ReceivedMessage _message;

    internal DataContext(SmtpSession session, IServiceProvider services, SmtpTransaction transaction, Messages.ReceivedMessage message)
        : base(session, services)
    {
        Transaction = transaction;
        _message = message;
    }

    /// <summary>The transaction.</summary>
    public SmtpTransaction Transaction { get; }

    /// <summary>The message as it will be delivered (added headers first, then the original bytes).</summary>
    public IMessageContent Message => _message;

    /// <summary>The message's original header section, parsed (read-only view; changes here are not delivered).</summary>
    public MimeKit.HeaderList Headers => _message.Headers;

    /// <summary>
    /// Counts the fields of the original header section named <paramref name="name"/> (case-insensitive),
    /// for example <c>Received</c> for a loop check. Cheaper than <see cref="Headers"/> when no stage parsed
    /// them yet: the raw header bytes are scanned without building a header list.
    /// </summary>
    /// <param name="name">The field name, ASCII, without the colon.</param>
    /// <returns>The number of fields with that name.</returns>
    public int CountHeaders(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _message.CountFields(name);
    }

    /// <summary>Adds a header field in front of the message (prepending keeps DKIM signatures valid).</summary>
    public void AddHeader(string name, string value) => _message.AddHeader(name, value);

    /// <summary>
    /// Removes fields of the original header section from what is delivered (for example forged
    /// <c>Authentication-Results</c> carrying our authserv-id, RFC 8601 section 5).
    /// </summary>
    /// <param name="name">The field name (case-insensitive).</param>
    /// <param name="predicate">Removes only fields whose unfolded value matches; <see langword="null"/> removes every field of that name.</param>
    public void RemoveHeaders(string name, Func<string, bool>? predicate = null) => _message.RemoveHeaders(name, predicate);
}
