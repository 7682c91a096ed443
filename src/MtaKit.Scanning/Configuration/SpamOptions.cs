namespace MtaKit.Scanning;

/// <summary>How spam scores become decisions (<c>MtaKit:Scanning:Spam</c>).</summary>
public sealed record SpamOptions
{
    /// <summary>From this score on the message is accepted and tagged as spam (headers).</summary>
    /// <value>The default value is 5.0, SpamAssassin's threshold.</value>
    public double TagScore { get; init; } = 5.0;

    /// <summary>From this score on the message is rejected during the SMTP transaction.</summary>
    /// <value>The default value is 15.0, rspamd's reject threshold.</value>
    public double RejectScore { get; init; } = 15.0;

    /// <summary>What the data-scan stage does with a message tagged as spam.</summary>
    /// <value>The default value is <see cref="SpamTagAction.Headers"/>.</value>
    public SpamTagAction TagAction { get; init; } = SpamTagAction.Headers;

    /// <summary>
    /// Whether the data-scan stage puts <see cref="SubjectPrefix"/> in front of a tagged message's
    /// <c>Subject</c>. Off by default: rewriting a signed header field breaks the message's DKIM signature
    /// (the <c>X-Spam-*</c> fields are prepended and break nothing).
    /// </summary>
    /// <value>The default value is false.</value>
    public bool RewriteSubject { get; init; }

    /// <summary>The text put in front of a tagged message's subject when <see cref="RewriteSubject"/> is on.</summary>
    /// <value>The default value is <c>[SPAM]</c>.</value>
    public string SubjectPrefix { get; init; } = "[SPAM]";
}
