namespace MtaKit;

/// <summary>Options of DKIM verification (<see cref="DkimChecker"/>); bound from <c>MtaKit:Dkim</c>.</summary>
public sealed record DkimOptions
{
    /// <summary>The most signatures verified per message; further ones are skipped (bounds the DNS and CPU cost).</summary>
    /// <value>The default is 5.</value>
    public int MaxSignatures { get; init; } = 5;

    /// <summary>The shortest RSA key accepted; signatures with shorter keys fail (RFC 8301 requires 1024).</summary>
    /// <value>The default is 1024 bits.</value>
    public int MinimumRsaKeyBits { get; init; } = 1024;

    /// <summary>Accepts <c>rsa-sha1</c> signatures (RFC 8301 says verifiers must not); rejected as neutral otherwise.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool AllowRsaSha1 { get; init; }

    /// <summary>Returns the problems with these options, one line each (empty when valid).</summary>
    public IReadOnlyList<string> Validate(string prefix = "MtaKit:Dkim:")
    {
        var errors = new List<string>();
        if (MaxSignatures is < 1 or > 50)
        {
            errors.Add($"{prefix}MaxSignatures must be between 1 and 50 (was {MaxSignatures}).");
        }

        if (MinimumRsaKeyBits is < 512 or > 8192)
        {
            errors.Add($"{prefix}MinimumRsaKeyBits must be between 512 and 8192 (was {MinimumRsaKeyBits}).");
        }

        return errors;
    }
}
