using System.Text;

namespace MtaKit.Server;

/// <summary>A reply encoded once, for the engine's fixed answers (no allocation per command).</summary>
internal sealed class PreparedReply
{
    public PreparedReply(int code, string? enhanced, string text)
    {
        Reply = enhanced is null ? new SmtpReply(code, (EnhancedStatusCode?)null, text) : new SmtpReply(code, enhanced, text);
        Bytes = Encoding.UTF8.GetBytes(Reply.ToWireString());
    }

    public SmtpReply Reply { get; }

    public byte[] Bytes { get; }
}

/// <summary>The engine's own replies.</summary>
internal static class Replies
{
    public static readonly PreparedReply Ok = new(250, "2.0.0", "Ok");
    public static readonly PreparedReply SenderOk = new(250, "2.1.0", "Sender OK");
    public static readonly PreparedReply RecipientOk = new(250, "2.1.5", "Recipient OK");
    public static readonly PreparedReply StartData = new(354, null, "End data with <CR><LF>.<CR><LF>");
    public static readonly PreparedReply Bye = new(221, "2.0.0", "Bye");
    public static readonly PreparedReply Vrfy = new(252, "2.5.2", "Cannot VRFY user, but will accept message and attempt delivery");
    public static readonly PreparedReply Help = new(214, "2.0.0", "See RFC 5321 (https://www.rfc-editor.org/rfc/rfc5321)");
    public static readonly PreparedReply StartTls = new(220, "2.0.0", "Ready to start TLS");
    public static readonly PreparedReply AuthOk = new(235, "2.7.0", "Authentication successful");

    public static readonly PreparedReply Unrecognized = new(500, "5.5.2", "Command unrecognized");
    public static readonly PreparedReply LineTooLong = new(500, "5.5.2", "Line too long");
    public static readonly PreparedReply NulInCommand = new(500, "5.5.2", "NUL character in command");
    public static readonly PreparedReply NotUtf8 = new(500, "5.5.2", "Invalid UTF-8 in command");
    public static readonly PreparedReply HeloSyntax = new(501, "5.5.4", "Syntax: EHLO hostname");
    public static readonly PreparedReply MailSyntax = new(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]");
    public static readonly PreparedReply RcptSyntax = new(501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]");
    public static readonly PreparedReply NoArguments = new(501, "5.5.4", "Syntax error: no parameters allowed");
    public static readonly PreparedReply BdatSyntax = new(501, "5.5.4", "Syntax: BDAT size [LAST]");
    public static readonly PreparedReply BadSender = new(501, "5.1.7", "Bad sender address syntax");
    public static readonly PreparedReply BadRecipient = new(501, "5.1.3", "Bad recipient address syntax");
    public static readonly PreparedReply NotImplemented = new(502, "5.5.1", "Command not implemented");
    public static readonly PreparedReply HeloFirst = new(503, "5.5.1", "Send HELO/EHLO first");
    public static readonly PreparedReply NestedMail = new(503, "5.5.1", "Nested MAIL command");
    public static readonly PreparedReply NeedMail = new(503, "5.5.1", "Need MAIL command");
    public static readonly PreparedReply NeedRcpt = new(503, "5.5.1", "No valid recipients");
    public static readonly PreparedReply BinaryNeedsBdat = new(503, "5.5.1", "BODY=BINARYMIME requires BDAT");
    public static readonly PreparedReply BdatAfterFailure = new(503, "5.5.1", "No transaction in progress: send RSET");
    public static readonly PreparedReply RejectedSession = new(503, "5.5.1", "Session refused: only QUIT is accepted");
    public static readonly PreparedReply AlreadyTls = new(503, "5.5.1", "TLS already active");
    public static readonly PreparedReply AlreadyAuthenticated = new(503, "5.5.1", "Already authenticated");
    public static readonly PreparedReply AuthInTransaction = new(503, "5.5.1", "AUTH not allowed during a mail transaction");
    public static readonly PreparedReply AuthMechanism = new(504, "5.5.4", "Unrecognized authentication mechanism");
    public static readonly PreparedReply AuthCancelled = new(501, "5.0.0", "Authentication cancelled");
    public static readonly PreparedReply AuthBase64 = new(501, "5.5.2", "Cannot decode response");
    public static readonly PreparedReply AuthFailed = new(535, "5.7.8", "Authentication credentials invalid");
    public static readonly PreparedReply AuthNeedsTls = new(538, "5.7.11", "Encryption required for requested authentication mechanism");
    public static readonly PreparedReply AuthUnavailable = new(502, "5.5.1", "AUTH not available");
    public static readonly PreparedReply TlsRequired = new(530, "5.7.0", "Must issue a STARTTLS command first");
    public static readonly PreparedReply AuthRequired = new(530, "5.7.0", "Authentication required");
    public static readonly PreparedReply TlsUnavailable = new(454, "4.7.0", "TLS not available");
    public static readonly PreparedReply TooManyRecipients = new(452, "4.5.3", "Too many recipients");
    public static readonly PreparedReply TooBig = new(552, "5.3.4", "Message size exceeds fixed maximum message size");
    public static readonly PreparedReply BareLineEnding = new(554, "5.6.0", "Message contains bare CR or LF line endings: use CRLF");
    public static readonly PreparedReply Utf8NotAllowed = new(553, "5.6.7", "Non-ASCII address requires SMTPUTF8");
    public static readonly PreparedReply StageFault = new(451, "4.3.0", "Temporary local problem: try again later");
    public static readonly PreparedReply TooManyErrors = new(421, "4.7.0", "Too many errors: closing connection");
    public static readonly PreparedReply TooManyMessages = new(421, "4.7.0", "Too many messages in one session: closing connection");
    public static readonly PreparedReply Timeout = new(421, "4.4.2", "Timeout: closing connection");
    public static readonly PreparedReply DataTooSlow = new(421, "4.4.2", "Data transfer too slow: closing connection");
    public static readonly PreparedReply ShuttingDown = new(421, "4.3.2", "Service shutting down: try again later");
    public static readonly PreparedReply EarlyTalker = new(554, "5.7.1", "Protocol violation: talked before the greeting");
}
