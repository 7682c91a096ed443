namespace MtaKit.Core.Tests.Client;

public sealed class SmtpPeerCapabilitiesTests
{
    [Fact]
    public void Parse_FullEhloReply_ReadsEveryExtension()
    {
        var reply = new SmtpReply(250, (EnhancedStatusCode?)null, "mx.example", "PIPELINING", "SIZE 52428800", "8BITMIME", "BINARYMIME",
            "CHUNKING", "SMTPUTF8", "DSN", "STARTTLS", "AUTH PLAIN LOGIN", "AUTH=CRAM-MD5", "ENHANCEDSTATUSCODES", "");
        var caps = SmtpPeerCapabilities.Parse(reply);
        Assert.True(caps.Pipelining && caps.Size && caps.EightBitMime && caps.BinaryMime && caps.Chunking && caps.SmtpUtf8
            && caps.Dsn && caps.StartTls && caps.EnhancedStatusCodes);
        Assert.Equal(52428800, caps.MaxMessageSize);
        Assert.Equal(["PLAIN", "LOGIN", "CRAM-MD5"], caps.AuthMechanisms);
        Assert.False(caps.Has("XCLIENT"));
    }

    [Fact]
    public void Parse_SizeWithoutLimit_HasNoMaximum()
    {
        var caps = SmtpPeerCapabilities.Parse(new SmtpReply(250, (EnhancedStatusCode?)null, "mx", "SIZE", "pipelining"));
        Assert.True(caps.Size);
        Assert.Null(caps.MaxMessageSize);
        Assert.True(caps.Pipelining);
        Assert.False(caps.StartTls);
    }
}
