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
}
