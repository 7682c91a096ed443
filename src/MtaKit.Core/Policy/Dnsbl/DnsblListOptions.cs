namespace MtaKit;

/// <summary>One DNS list (block list, or allow-list with a negative weight), bound from <c>MtaKit:Dnsbl:Lists:&lt;i&gt;</c>.</summary>
public sealed class DnsblListOptions
{
    /// <summary>The list's zone, e.g. <c>zen.spamhaus.org</c>; the query name is the reversed client address followed by it.</summary>
    public string Zone { get; set; } = string.Empty;

    /// <summary>What a listing adds to the score; negative for an allow-list (postscreen style).</summary>
    /// <value>The default value is 1.</value>
    public int Weight { get; set; } = 1;

    /// <summary>
    /// The return codes that count as a listing: an address (<c>127.0.0.2</c>) or an inclusive range
    /// (<c>127.0.0.2-127.0.0.11</c>). Empty: any answer in 127.0.0.0/8 (except the list-error codes).
    /// </summary>
    public IList<string> Codes { get; } = [];

    /// <summary>Whether the TXT record (the list's reason text) is fetched for a listing.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool FetchReason { get; set; } = true;
}
