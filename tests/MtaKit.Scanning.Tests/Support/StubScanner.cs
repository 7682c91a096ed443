namespace MtaKit.Scanning.Tests.Support;

/// <summary>A test double for pool logic: answers clean, or fails while <see cref="Failing"/> is set, or runs a custom behaviour.</summary>
internal sealed class StubScanner(string name, Func<ScanRequest, CancellationToken, ValueTask<ScanResult>>? behaviour = null) : IScanner
{
    private int _calls;

    public string Name => name;

    public bool Failing { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<ScanResult> ScanAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (behaviour is not null)
        {
            return behaviour(request, cancellationToken);
        }

        return ValueTask.FromResult(Failing
            ? ScanResult.Error(name, TimeSpan.Zero, "stub failure")
            : ScanResult.Clean(name, TimeSpan.FromMilliseconds(1)));
    }
}
