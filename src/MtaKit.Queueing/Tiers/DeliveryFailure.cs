namespace MtaKit.Queueing;

/// <summary>A temporary delivery failure that a tier policy is asked to decide about.</summary>
public sealed record DeliveryFailure
{
    /// <summary>The destination domain or host, for matching retry rules.</summary>
    public required string Domain { get; init; }

    /// <summary>The kind of failure, for matching retry rules.</summary>
    public required RetryErrorKind Kind { get; init; }

    /// <summary>The error text (<c>451 4.3.0 try later</c>).</summary>
    public required string Error { get; init; }

    /// <summary>
    /// When the destination host first failed, from <see cref="IRetryHints"/>; the retry cutoffs count
    /// from here. <see langword="null"/> falls back to the message's own first failure.
    /// </summary>
    public DateTimeOffset? HostFirstFailure { get; init; }
}
