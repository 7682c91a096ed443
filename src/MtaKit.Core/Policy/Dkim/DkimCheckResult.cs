namespace MtaKit;

/// <summary>The outcome of verifying a message's DKIM signatures: one result per signature verified, in header order.</summary>
public sealed class DkimCheckResult
{
    internal DkimCheckResult(IReadOnlyList<DkimSignatureResult> signatures, int skipped)
    {
        Signatures = signatures;
        Skipped = skipped;
    }

    /// <summary>The result for a message without <c>DKIM-Signature</c> fields.</summary>
    public static DkimCheckResult Unsigned { get; } = new([], 0);

    /// <summary>The signatures verified (at most <see cref="DkimOptions.MaxSignatures"/>), top-most first.</summary>
    public IReadOnlyList<DkimSignatureResult> Signatures { get; }

    /// <summary>Signatures beyond the limit, not verified.</summary>
    public int Skipped { get; }

    /// <summary>True when at least one signature passed.</summary>
    public bool AnyPass => Signatures.Any(s => s.Result == DkimResult.Pass);

    /// <inheritdoc/>
    public override string ToString() => Signatures.Count == 0 ? "none" : string.Join("; ", Signatures);
}
