using System.Globalization;

namespace MtaKit;

/// <summary>
/// DNSBL scoring options, bound from <c>MtaKit:Dnsbl</c>: the lists with weights and return-code filters,
/// the score threshold, where to reject, and the time budget of one lookup.
/// </summary>
public sealed class DnsblOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MtaKit:Dnsbl";

    /// <summary>The lists, all queried in parallel.</summary>
    public IList<DnsblListOptions> Lists { get; } = [];

    /// <summary>
    /// Right-hand-side lists (e.g. a DBL), bound from <c>MtaKit:Dnsbl:DomainLists:&lt;i&gt;</c>: the sender's domain is
    /// looked up as <c>domain.zone</c> at MAIL FROM; a listing at or above <see cref="Threshold"/> refuses MAIL.
    /// </summary>
    public IList<DnsblListOptions> DomainLists { get; } = [];

    /// <summary>The score at or above which the client is rejected.</summary>
    /// <value>The default value is 1.</value>
    public int Threshold { get; set; } = 1;

    /// <summary>Where a reject is given.</summary>
    /// <value>The default value is <see cref="DnsblRejectPhase.Rcpt"/>.</value>
    public DnsblRejectPhase RejectAt { get; set; } = DnsblRejectPhase.Rcpt;

    /// <summary>How long one check waits for all lists; a list that has not answered by then counts as an error, never a listing.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks every value; returns one message per problem, naming its configuration key (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Lists.Count == 0 && DomainLists.Count == 0)
        {
            errors.Add($"{SectionName}:Lists: at least one list is needed.");
        }

        foreach (var (list, i, key) in Lists.Select((l, i) => (l, i, string.Create(CultureInfo.InvariantCulture, $"{SectionName}:Lists:{i}")))
            .Concat(DomainLists.Select((l, i) => (l, i, string.Create(CultureInfo.InvariantCulture, $"{SectionName}:DomainLists:{i}")))))
        {
            if (list is null)
            {
                errors.Add($"{key}: the list is empty.");
                continue;
            }

            var zone = DnsName.Normalize(list.Zone ?? string.Empty);
            if (zone.Length == 0 || zone.Split('.').Any(l => l.Length is 0 or > 63) || zone.Length > 200)
            {
                errors.Add($"{key}:Zone: '{list.Zone}' is not a DNS zone name.");
            }

            if (list.Weight == 0)
            {
                errors.Add($"{key}:Weight: must not be 0 (negative for an allow-list).");
            }

            for (var j = 0; j < list.Codes.Count; j++)
            {
                if (!DnsblCodeRange.TryParse(list.Codes[j], out _))
                {
                    errors.Add($"{key}:Codes:{j}: '{list.Codes[j]}' is not an IPv4 address or a range a.b.c.d-e.f.g.h.");
                }
            }
        }

        if (Threshold < 1)
        {
            errors.Add($"{SectionName}:Threshold: must be at least 1.");
        }

        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{SectionName}:Timeout: must be more than 0 and at most 1 minute.");
        }

        if (!Enum.IsDefined(RejectAt))
        {
            errors.Add($"{SectionName}:RejectAt: must be Connect or Rcpt.");
        }

        return errors;
    }
}
