namespace MtaKit;

/// <summary>The outcome of one <c>DKIM-Signature</c> field.</summary>
public sealed class DkimSignatureResult
{
    internal DkimSignatureResult(DkimResult result, string domain, string selector, string? identity, string? algorithm, string signaturePrefix, string? problem)
    {
        Result = result;
        Domain = domain;
        Selector = selector;
        Identity = identity;
        Algorithm = algorithm;
        SignaturePrefix = signaturePrefix;
        Problem = problem;
    }

    /// <summary>The result.</summary>
    public DkimResult Result { get; }

    /// <summary>The signing domain (<c>d=</c>), lower-case; empty when the signature had none.</summary>
    public string Domain { get; }

    /// <summary>The selector (<c>s=</c>); empty when the signature had none.</summary>
    public string Selector { get; }

    /// <summary>The agent or user identifier (<c>i=</c>), or <see langword="null"/>.</summary>
    public string? Identity { get; }

    /// <summary>The algorithm (<c>a=</c>), or <see langword="null"/>.</summary>
    public string? Algorithm { get; }

    /// <summary>The first 8 characters of the signature (<c>b=</c>) for <c>header.b</c> (RFC 6008).</summary>
    public string SignaturePrefix { get; }

    /// <summary>Why the result is not <see cref="DkimResult.Pass"/>, or <see langword="null"/>.</summary>
    public string? Problem { get; }

    /// <summary>The lower-case name RFC 8601 uses (<c>pass</c>, <c>temperror</c>, ...).</summary>
    public static string ResultName(DkimResult result) => result.ToString().ToLowerInvariant();

    /// <inheritdoc/>
    public override string ToString() => $"{ResultName(Result)} d={Domain} s={Selector}{(Problem is null ? "" : ": " + Problem)}";
}
