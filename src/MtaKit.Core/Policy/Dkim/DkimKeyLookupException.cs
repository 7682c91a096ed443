namespace MtaKit;

/// <summary>Why a DKIM public key could not be had; carried through MimeKit's verifier from <see cref="DnsDkimPublicKeyLocator"/>.</summary>
internal sealed class DkimKeyLookupException : Exception
{
    public DkimKeyLookupException()
    {
    }

    public DkimKeyLookupException(string message)
        : base(message)
    {
    }

    public DkimKeyLookupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DkimKeyLookupException(string message, bool isTransient)
        : base(message)
    {
        IsTransient = isTransient;
    }

    /// <summary>True for DNS failures (temperror); false for a missing, revoked or malformed key (permerror).</summary>
    public bool IsTransient { get; }
}
