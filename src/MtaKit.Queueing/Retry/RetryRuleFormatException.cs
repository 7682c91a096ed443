namespace MtaKit.Queueing;

/// <summary>Retry rule text that does not parse; the message gives the position and what was expected.</summary>
public sealed class RetryRuleFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public RetryRuleFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RetryRuleFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public RetryRuleFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an error at a position.</summary>
    /// <param name="message">What was wrong, including the position.</param>
    /// <param name="line">The 1-based line (1 for single-line text).</param>
    /// <param name="column">The 1-based column.</param>
    public RetryRuleFormatException(string message, int line, int column)
        : base(message)
    {
        Line = line;
        Column = column;
    }

    /// <summary>The 1-based line of the error.</summary>
    public int Line { get; }

    /// <summary>The 1-based column of the error.</summary>
    public int Column { get; }
}
