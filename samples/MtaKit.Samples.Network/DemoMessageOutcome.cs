namespace MtaKit.Samples.Network;

/// <summary>One demo message: what was sent, what the relay answered, and where it was found at the end.</summary>
public sealed record DemoMessageOutcome
{
    /// <summary>The token in the message's Subject, Message-ID and X-Demo-Id header (demo-01...).</summary>
    public required string Id { get; init; }

    /// <summary>What the message demonstrates.</summary>
    public required string Description { get; init; }

    /// <summary>The relay it was sent to (relay1, relay2, or outbound for a submission).</summary>
    public required string Relay { get; init; }

    /// <summary>Envelope sender.</summary>
    public required string From { get; init; }

    /// <summary>Envelope recipient.</summary>
    public required string To { get; init; }

    /// <summary>The relay's last reply in the transaction (the DATA reply when accepted, else the refusal).</summary>
    public required string Reply { get; init; }

    /// <summary>The fate the demo expects.</summary>
    public required DemoFate Expected { get; init; }

    /// <summary>The fate found in the Maildirs and spools.</summary>
    public required DemoFate Observed { get; init; }

    /// <summary>The Maildir file (or spool file) holding it, relative to the run directory; null when rejected or missing.</summary>
    public string? Location { get; init; }

    /// <summary>The DKIM verification of a submitted message as delivered (e.g. <c>pass d=example.test s=net1</c>); null for mail not signed by the outbound relay.</summary>
    public string? Dkim { get; init; }

    /// <summary>Whether <see cref="Observed"/> is <see cref="Expected"/> (and, for a rejection, the reply is the expected one).</summary>
    public required bool AsExpected { get; init; }
}
