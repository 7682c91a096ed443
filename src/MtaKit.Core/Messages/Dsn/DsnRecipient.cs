namespace MtaKit.Messages.Dsn;

/// <summary>What happened to one recipient, for a DSN (one per-recipient group of RFC 3464).</summary>
public sealed record DsnRecipient
{
    /// <summary>The recipient (Final-Recipient).</summary>
    public required string FinalRecipient { get; init; }

    /// <summary>
    /// The ORCPT value, if the sender gave one: either <c>type;address</c> as sent, or a bare address
    /// (then written as <c>rfc822;address</c>).
    /// </summary>
    public string? OriginalRecipient { get; init; }

    /// <summary>The Action field: <c>failed</c>, <c>delayed</c>, <c>delivered</c>, <c>relayed</c> or <c>expanded</c>.</summary>
    public required string Action { get; init; }

    /// <summary>The status (enhanced status code).</summary>
    public required EnhancedStatusCode Status { get; init; }

    /// <summary>The host that gave the reply (Remote-MTA), if any.</summary>
    public string? RemoteMta { get; init; }

    /// <summary>The reply that decided (Diagnostic-Code: smtp; ...).</summary>
    public SmtpReply? Diagnostic { get; init; }

    /// <summary>When delivery was last attempted.</summary>
    public DateTimeOffset? LastAttempt { get; init; }

    /// <summary>For <c>delayed</c>: until when delivery will be tried.</summary>
    public DateTimeOffset? WillRetryUntil { get; init; }
}
