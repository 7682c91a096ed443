namespace MtaKit.Scanning;

/// <summary>The mutable state of one pool endpoint: in-flight slots and failure/rest tracking. Guarded by the pool's lock except the semaphore.</summary>
internal sealed class PoolEndpoint(ScannerPoolMember member) : IDisposable
{
    public ScannerPoolMember Member { get; } = member;

    public SemaphoreSlim Slots { get; } = new(member.MaxConcurrency, member.MaxConcurrency);

    public int ConsecutiveFailures { get; set; }

    public DateTimeOffset RestUntil { get; set; } = DateTimeOffset.MinValue;

    /// <summary>True while the one probe after a rest is in flight; nothing else is sent meanwhile.</summary>
    public bool Probing { get; set; }

    public string Name => Member.Scanner.Name;

    /// <summary>True when a scan may be sent now.</summary>
    public bool IsSelectable(DateTimeOffset now) => ConsecutiveFailures == 0 || (RestUntil <= now && !Probing);

    public void Dispose() => Slots.Dispose();
}
