using System.Net;

namespace MtaKit.Queueing;

/// <summary>
/// The queue's configuration, bound from the <c>MtaKit:Queue</c> section. Settable for binding;
/// <see cref="Validate"/> checks it once at start with messages naming each key.
/// </summary>
public sealed class QueueOptions
{
    /// <summary>The configuration section this binds from.</summary>
    public const string SectionName = "MtaKit:Queue";

    /// <summary>The spool directory (<c>MtaKit:Queue:SpoolPath</c>).</summary>
    /// <value>The default value is empty, which is invalid: it must be set.</value>
    public string SpoolPath { get; set; } = "";

    /// <summary>The tier this node runs (<c>MtaKit:Queue:Tier</c>).</summary>
    public TierOptions Tier { get; set; } = new();

    /// <summary>
    /// When to send a delay warning (<c>MtaKit:Queue:DelayWarning</c>); the same setting as
    /// <see cref="TierOptions.DelayWarning"/> of <see cref="Tier"/>.
    /// </summary>
    public TimeSpan? DelayWarning
    {
        get => Tier.DelayWarning;
        set => Tier.DelayWarning = value;
    }

    /// <summary>
    /// The networks (CIDR, <c>10.0.0.0/8</c>, or single addresses) of the tiers before this one
    /// (<c>MtaKit:Queue:TrustedTierNetworks:0</c>, ...): only they may pass the hand-off parameter
    /// (original arrival time, attempts) with a message.
    /// </summary>
    public IList<string> TrustedTierNetworks { get; } = [];

    /// <summary>DSN settings (<c>MtaKit:Queue:Dsn</c>).</summary>
    public QueueDsnOptions Dsn { get; set; } = new();

    /// <summary>Returns every problem, each naming its configuration key; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(SpoolPath))
        {
            errors.Add($"{SectionName}:SpoolPath must name the spool directory.");
        }

        if (Tier is null)
        {
            errors.Add($"{SectionName}:Tier must be set.");
        }
        else
        {
            errors.AddRange(Tier.Validate($"{SectionName}:Tier"));
        }

        for (var i = 0; i < TrustedTierNetworks.Count; i++)
        {
            var text = TrustedTierNetworks[i];
            if (text is null || !(IPNetwork.TryParse(text, out _) || IPAddress.TryParse(text, out _)))
            {
                errors.Add($"{SectionName}:TrustedTierNetworks:{i} must be a network like 10.0.0.0/8 or an address, not '{text}'.");
            }
        }

        return errors;
    }
}
