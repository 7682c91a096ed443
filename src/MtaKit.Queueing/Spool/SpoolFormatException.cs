namespace MtaKit.Queueing;

/// <summary>An envelope file that cannot be read: unknown format version, bad header, or invalid content.</summary>
public sealed class SpoolFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SpoolFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SpoolFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the fault underneath.</summary>
    public SpoolFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
