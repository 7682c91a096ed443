namespace MtaKit;

/// <summary>One MX record: a mail host and its preference (lower is tried first).</summary>
/// <param name="Preference">The MX preference.</param>
/// <param name="Host">The exchange host, lower case without the trailing dot; empty for a null MX (RFC 7505).</param>
public readonly record struct MailExchanger(int Preference, string Host)
{
    /// <summary>True for a null MX (<c>MX 0 .</c>): the domain accepts no mail.</summary>
    public bool IsNullMx => Host.Length == 0;
}
