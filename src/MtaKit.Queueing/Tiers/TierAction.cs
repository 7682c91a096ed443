namespace MtaKit.Queueing;

/// <summary>What a tier policy decided for a message.</summary>
public enum TierAction
{
    /// <summary>Attempt delivery now.</summary>
    Attempt = 0,

    /// <summary>Keep the message and attempt again at <see cref="TierDecision.NextAttempt"/>.</summary>
    RetryAt = 1,

    /// <summary>The message's stay in this tier is over: hand it to the next tier over SMTP.</summary>
    HandOff = 2,

    /// <summary>The message's stay in the last tier is over: return it to the sender as a failure DSN (never to the null sender) and drop it.</summary>
    Expire = 3,
}
