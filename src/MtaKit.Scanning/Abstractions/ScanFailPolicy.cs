namespace MtaKit.Scanning;

/// <summary>What to do with a message when no scanner of a pool could scan it.</summary>
public enum ScanFailPolicy
{
    /// <summary>Defer the message with <c>451 4.7.1</c> so the client retries later (the default).</summary>
    Defer,

    /// <summary>Accept the message unscanned and mark it with a header. An explicit opt-in.</summary>
    Accept,
}
