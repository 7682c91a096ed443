namespace MtaKit;

/// <summary>One RCPT TO: the forward path and its RFC 3461 DSN parameters (sent only to a peer with DSN).</summary>
public sealed record SmtpClientRecipient
{
    /// <summary>Creates a recipient.</summary>
    /// <param name="forwardPath">The address, without angle brackets (<c>user@example.com</c>).</param>
    public SmtpClientRecipient(string forwardPath)
    {
        ArgumentNullException.ThrowIfNull(forwardPath);
        ForwardPath = forwardPath;
    }

    /// <summary>The address, without angle brackets.</summary>
    public string ForwardPath { get; }

    /// <summary>The DSN <c>NOTIFY=</c> conditions.</summary>
    /// <value>The default value is <see cref="DsnNotify.Unspecified"/>.</value>
    public DsnNotify Notify { get; init; }

    /// <summary>The original recipient address for <c>ORCPT=rfc822;</c> (unencoded; sent as xtext).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? OriginalRecipient { get; init; }

    /// <summary>Returns the forward path.</summary>
    public override string ToString() => ForwardPath;
}
