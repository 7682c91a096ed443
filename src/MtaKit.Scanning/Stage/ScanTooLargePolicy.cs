namespace MtaKit.Scanning;

/// <summary>
/// What the data-scan stage does with a message a virus scanner refused as larger than its stream
/// limit (<see cref="ScanVerdict.TooLarge"/>; <c>MtaKit:Scanning:TooLargePolicy</c>).
/// </summary>
public enum ScanTooLargePolicy
{
    /// <summary>Refuse it with <c>552 5.3.4 Message too big for content scanning</c> (the default): a size problem, so the sender is told to send less, not that the content was judged.</summary>
    Reject,

    /// <summary>Accept it unscanned by that scanner, marked <c>X-MtaKit-Scan: unscanned</c>. An explicit opt-in.</summary>
    Accept,
}
