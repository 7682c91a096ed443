namespace MtaKit;

/// <summary>The envelope of a one-shot send: reverse path, recipients and MAIL parameters.</summary>
public sealed record SmtpClientEnvelope
{
    /// <summary>Creates an envelope.</summary>
    /// <param name="reversePath">The sender address without angle brackets; empty for the null sender.</param>
    /// <param name="recipients">At least one recipient.</param>
    public SmtpClientEnvelope(string reversePath, IReadOnlyList<SmtpClientRecipient> recipients)
    {
        ArgumentNullException.ThrowIfNull(reversePath);
        ArgumentNullException.ThrowIfNull(recipients);
        if (recipients.Count == 0)
        {
            throw new ArgumentException("An envelope needs at least one recipient.", nameof(recipients));
        }

        ReversePath = reversePath;
        Recipients = [.. recipients];
    }

    /// <summary>Creates an envelope from plain addresses.</summary>
    public SmtpClientEnvelope(string reversePath, params IEnumerable<string> recipients)
        : this(reversePath, [.. (recipients ?? throw new ArgumentNullException(nameof(recipients))).Select(r => new SmtpClientRecipient(r))])
    {
    }

    /// <summary>The sender address; empty for the null sender (<c>MAIL FROM:&lt;&gt;</c>).</summary>
    public string ReversePath { get; }

    /// <summary>The recipients, in the order their RCPTs are sent.</summary>
    public IReadOnlyList<SmtpClientRecipient> Recipients { get; }

    /// <summary>The MAIL parameters; <see cref="SmtpClientMailParameters.Size"/> is filled from the content when unset.</summary>
    /// <value>The default value is <see cref="SmtpClientMailParameters.Empty"/>.</value>
    public SmtpClientMailParameters Parameters { get; init; } = SmtpClientMailParameters.Empty;
}
