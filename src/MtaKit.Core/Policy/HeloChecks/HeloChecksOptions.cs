namespace MtaKit;

/// <summary>
/// HELO/EHLO checks, bound from <c>MtaKit:HeloChecks</c>: <c>InvalidSyntaxAction</c>, <c>InvalidSyntaxScore</c>,
/// <c>RejectOurIdentity</c>, <c>OurNames:&lt;i&gt;</c>, <c>CheckFcrdns</c>, <c>FcrdnsFailScore</c>.
/// </summary>
public sealed class HeloChecksOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MtaKit:HeloChecks";

    /// <summary>Whether <c>UseHeloChecks()</c> adds the stage.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; init; } = true;

    /// <summary>What a name that is neither a domain (two labels or more) nor an address literal does.</summary>
    /// <value>The default value is <see cref="HeloSyntaxAction.Reject"/> (501 5.5.2).</value>
    public HeloSyntaxAction InvalidSyntaxAction { get; init; } = HeloSyntaxAction.Reject;

    /// <summary>The score an invalid name adds when <see cref="InvalidSyntaxAction"/> is <see cref="HeloSyntaxAction.Score"/>.</summary>
    /// <value>The default value is 1.</value>
    public int InvalidSyntaxScore { get; init; } = 1;

    /// <summary>
    /// Whether a client claiming to be us (our server name, a name in <see cref="OurNames"/>, or the address
    /// literal of the address it connected to) is refused with 550 5.7.1.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RejectOurIdentity { get; init; } = true;

    /// <summary>Names that are ours besides the server name (other host names of this cluster).</summary>
    public IReadOnlyList<string> OurNames { get; init; } = [];

    /// <summary>Whether forward-confirmed reverse DNS of the client is looked up (once per connection).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool CheckFcrdns { get; init; } = true;

    /// <summary>The score a failed FCrDNS adds (a DNS failure adds nothing).</summary>
    /// <value>The default value is 1.</value>
    public int FcrdnsFailScore { get; init; } = 1;

    /// <summary>How many PTR names are tried (a client may publish many).</summary>
    /// <value>The default value is 5.</value>
    public int MaxPtrNames { get; init; } = 5;

    /// <summary>Checks every value; returns one message per problem, naming its configuration key (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(InvalidSyntaxAction))
        {
            errors.Add($"{SectionName}:InvalidSyntaxAction: must be Reject or Score.");
        }

        if (MaxPtrNames is < 1 or > 20)
        {
            errors.Add($"{SectionName}:MaxPtrNames: must be from 1 to 20.");
        }

        if (OurNames.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add($"{SectionName}:OurNames: a name is empty.");
        }

        return errors;
    }
}
