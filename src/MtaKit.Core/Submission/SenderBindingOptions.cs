namespace MtaKit;

/// <summary>
/// Which addresses each authenticated user may send as (<see cref="SenderBindingStage"/>), and the recipient cap per
/// submitted message; bound from <c>MtaKit:Auth:Senders:&lt;user&gt;:&lt;i&gt;</c> and <c>MtaKit:Auth:MaxRecipientsPerMessage</c>.
/// </summary>
public sealed record SenderBindingOptions
{
    /// <summary>Per user name (case-insensitive): the addresses (<c>alice@example.test</c>) or whole domains (<c>@example.test</c>) it may send as.</summary>
    /// <value>The default is empty: every user may send only as its own user name (when that is an address).</value>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Senders { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Whether a user may always send as its own user name when the user name is an address.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool AllowOwnAddress { get; init; } = true;

    /// <summary>Whether every address of the From header must be granted too (checked at DATA, after MAIL FROM).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool CheckFromHeader { get; init; } = true;

    /// <summary>Recipients allowed in one submitted message; the next gets 550 5.5.3 (0 = only the listener's <c>Limits:MaxRecipients</c>).</summary>
    /// <value>The default is 0.</value>
    public int MaxRecipientsPerMessage { get; init; }

    /// <summary>Returns the problems with these options, one line each (empty when valid).</summary>
    /// <param name="prefix">The configuration path named in the messages.</param>
    public IReadOnlyList<string> Validate(string prefix = "MtaKit:Auth:")
    {
        var errors = new List<string>();
        foreach (var (user, grants) in Senders)
        {
            for (var i = 0; i < grants.Count; i++)
            {
                var grant = grants[i];
                var ok = grant.StartsWith('@')
                    ? grant.Length > 1 && !grant.AsSpan(1).ContainsAny("@ <>")
                    : MailboxAddressCheck(grant);
                if (!ok)
                {
                    errors.Add($"{prefix}Senders:{user}:{i} must be an address or '@domain' (was '{grant}').");
                }
            }
        }

        if (MaxRecipientsPerMessage < 0)
        {
            errors.Add($"{prefix}MaxRecipientsPerMessage must be 0 (off) or more (was {MaxRecipientsPerMessage}).");
        }

        return errors;
    }

    private static bool MailboxAddressCheck(string address)
    {
        var at = address.LastIndexOf('@');
        return at > 0 && at < address.Length - 1 && !address.AsSpan().ContainsAny(" <>");
    }
}
