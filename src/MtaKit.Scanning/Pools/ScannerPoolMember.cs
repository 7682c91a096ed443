namespace MtaKit.Scanning;

/// <summary>One endpoint of a <see cref="ScannerPool"/> with its selection settings.</summary>
public sealed record ScannerPoolMember
{
    /// <summary>Creates a member for <paramref name="scanner"/>.</summary>
    /// <param name="scanner">The endpoint's client.</param>
    public ScannerPoolMember(IScanner scanner)
    {
        ArgumentNullException.ThrowIfNull(scanner);
        Scanner = scanner;
    }

    /// <summary>The endpoint's client.</summary>
    public IScanner Scanner { get; }

    /// <summary>The share of scans among the healthy endpoints of the same priority (Exim's <c>weight=</c>).</summary>
    /// <value>The default value is 1.</value>
    public int Weight { get; init; } = 1;

    /// <summary>Endpoints of the highest priority that are up get all the scans; lower ones are backups (Exim's <c>pri=</c>).</summary>
    /// <value>The default value is 0.</value>
    public int Priority { get; init; }

    /// <summary>The most scans in flight on this endpoint at once; further scans go to another endpoint or wait.</summary>
    /// <value>The default value is 32.</value>
    public int MaxConcurrency { get; init; } = 32;
}
