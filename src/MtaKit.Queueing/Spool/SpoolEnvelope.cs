namespace MtaKit.Queueing;

/// <summary>The SMTP envelope of a queued message: reverse path, recipients and the MAIL parameters that travel with it.</summary>
public sealed record SpoolEnvelope
{
    /// <summary>The reverse path without angle brackets; empty for the null sender (<c>MAIL FROM:&lt;&gt;</c>).</summary>
    public required string ReversePath { get; init; }

    /// <summary>The recipients, at least one.</summary>
    public required IReadOnlyList<SpoolRecipient> Recipients { get; init; }

    /// <summary>The RFC 3461 ENVID parameter (xtext decoded), or <see langword="null"/>.</summary>
    public string? EnvelopeId { get; init; }

    /// <summary>The RFC 3461 RET parameter.</summary>
    /// <value>The default value is <see cref="DsnReturn.Unspecified"/>.</value>
    public DsnReturn Return { get; init; }

    /// <summary>The BODY parameter.</summary>
    /// <value>The default value is <see cref="BodyType.Unspecified"/>.</value>
    public BodyType BodyType { get; init; }

    /// <summary>True when MAIL carried SMTPUTF8 (RFC 6531).</summary>
    public bool SmtpUtf8 { get; init; }

    /// <summary>True for the null sender, to which no DSN may ever be sent.</summary>
    public bool IsNullSender => ReversePath.Length == 0;
}
