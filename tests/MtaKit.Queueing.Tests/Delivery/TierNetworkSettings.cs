namespace MtaKit.Queueing.Tests.Delivery;

/// <summary>What a <see cref="TierNetwork"/> test varies.</summary>
internal sealed record TierNetworkSettings
{
    /// <summary>MtaKit:Queue:DelayWarning of both tiers.</summary>
    public TimeSpan? DelayWarning { get; init; }

    /// <summary>MtaKit:Queue:Dsn:SuppressForUnvalidatedSenders of both tiers.</summary>
    public bool SuppressDsnForUnvalidatedSenders { get; init; }

    /// <summary>Stages of tier 1 (where mail enters the network), such as SPF.</summary>
    public SmtpPipeline? Tier1Pipeline { get; init; }

    /// <summary>Offers AUTH on tier 1 (without TLS) when set.</summary>
    public ISmtpAuthenticator? Tier1Authenticator { get; init; }

    /// <summary>The logger of tier 1's queue runner.</summary>
    public Microsoft.Extensions.Logging.ILogger? Tier1Logger { get; init; }
}
