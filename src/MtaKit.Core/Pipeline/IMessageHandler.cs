namespace MtaKit;

/// <summary>
/// Decides what happens to accepted mail: the last step of the RCPT and data chains. A mailstore
/// writes Maildir, a pass-through relay opens the downstream transaction, a fallback tier spools.
/// </summary>
public interface IMessageHandler
{
    /// <summary>Starts a transaction after the MAIL stages accepted the sender.</summary>
    ValueTask<IMessageTransaction> BeginTransactionAsync(MailContext context);
}

/// <summary>One transaction of a message handler; disposed at the end of the transaction (delivered, RSET, or connection lost).</summary>
public interface IMessageTransaction : IAsyncDisposable
{
    /// <summary>The last step of the RCPT chain, after the engine's relay control: accept (250) or refuse the recipient.</summary>
    ValueTask<SmtpVerdict> AddRecipientAsync(RcptContext context);

    /// <summary>
    /// The last step of the data chain: take responsibility for the message (answer 250 only once it
    /// is safe: fsynced, or accepted downstream) or refuse it.
    /// </summary>
    ValueTask<SmtpVerdict> DeliverAsync(DataContext context);
}
