namespace MtaKit;

/// <summary>The peer broke the protocol (malformed or oversized reply, data after STARTTLS); the connection is unusable.</summary>
internal sealed class SmtpClientProtocolException : IOException
{
    public SmtpClientProtocolException(string message)
        : base(message)
    {
    }

    public SmtpClientProtocolException()
    {
    }

    public SmtpClientProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
