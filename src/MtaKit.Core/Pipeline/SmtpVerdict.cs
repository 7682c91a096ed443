namespace MtaKit;

/// <summary>What a stage decided.</summary>
public enum VerdictKind
{
    /// <summary>Accept: the engine answers with <see cref="SmtpVerdict.Reply"/> (or its default positive reply).</summary>
    Accept,

    /// <summary>Permanent refusal (5xx).</summary>
    Reject,

    /// <summary>Temporary refusal (4xx).</summary>
    Defer,

    /// <summary>Answer 421 and close the connection.</summary>
    Disconnect,

    /// <summary>Answer positively but drop what was accepted (the recipient, or the whole message at DATA).</summary>
    Discard,

    /// <summary>Accept the message but mark it for quarantine; the message handler decides where it goes.</summary>
    Quarantine,
}

/// <summary>
/// The outcome of a stage: a kind and the SMTP reply the client gets. Immutable. Stages return
/// verdicts; they throw only for bugs and I/O faults (the engine answers those with 451 4.3.0).
/// </summary>
public sealed class SmtpVerdict
{
    private static readonly SmtpVerdict AcceptDefault = new(VerdictKind.Accept, null, null);

    private SmtpVerdict(VerdictKind kind, SmtpReply? reply, string? reason)
    {
        Kind = kind;
        Reply = reply;
        Reason = reason;
    }

    /// <summary>The kind of verdict.</summary>
    public VerdictKind Kind { get; }

    /// <summary>The reply for the client; <see langword="null"/> on accept means the engine's default reply for the phase.</summary>
    public SmtpReply? Reply { get; }

    /// <summary>A short reason for the log (not sent to the client), e.g. <c>dnsbl zen.example score=3</c>.</summary>
    public string? Reason { get; }

    /// <summary>True when the verdict lets the command succeed (accept, discard, quarantine).</summary>
    public bool IsPositive => Kind is VerdictKind.Accept or VerdictKind.Discard or VerdictKind.Quarantine;

    /// <summary>Accept with the engine's default reply for the phase.</summary>
    public static SmtpVerdict Accept() => AcceptDefault;

    /// <summary>Accept with a specific reply (2xx) and an optional reason for the log.</summary>
    public static SmtpVerdict Accept(SmtpReply reply, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (!reply.IsPositive)
        {
            throw new ArgumentException("An accept verdict needs a 2xx or 3xx reply.", nameof(reply));
        }

        return new(VerdictKind.Accept, reply, reason);
    }

    /// <summary>Permanent refusal, e.g. <c>Reject(550, "5.7.1", "Message refused")</c>.</summary>
    public static SmtpVerdict Reject(int code, string enhancedCode, string text, string? reason = null)
    {
        if (code is < 500 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "A reject needs a 5xx code.");
        }

        return new(VerdictKind.Reject, new SmtpReply(code, enhancedCode, text), reason ?? text);
    }

    /// <summary>Permanent refusal with a prepared reply.</summary>
    public static SmtpVerdict Reject(SmtpReply reply) => Reject(reply, null);

    /// <summary>Permanent refusal with a prepared reply and a reason for the log.</summary>
    public static SmtpVerdict Reject(SmtpReply reply, string? reason)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return reply.IsPermanent ? new(VerdictKind.Reject, reply, reason ?? reply.Text) : throw new ArgumentException("A reject needs a 5xx reply.", nameof(reply));
    }

    /// <summary>Temporary refusal, e.g. <c>Defer(451, "4.7.1", "Try again later")</c>.</summary>
    public static SmtpVerdict Defer(int code, string enhancedCode, string text, string? reason = null)
    {
        if (code is < 400 or > 499)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "A defer needs a 4xx code.");
        }

        return new(VerdictKind.Defer, new SmtpReply(code, enhancedCode, text), reason ?? text);
    }

    /// <summary>Temporary refusal with a prepared reply.</summary>
    public static SmtpVerdict Defer(SmtpReply reply) => Defer(reply, null);

    /// <summary>Temporary refusal with a prepared reply and a reason for the log.</summary>
    public static SmtpVerdict Defer(SmtpReply reply, string? reason)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return reply.IsTransient ? new(VerdictKind.Defer, reply, reason ?? reply.Text) : throw new ArgumentException("A defer needs a 4xx reply.", nameof(reply));
    }

    /// <summary>Answer <c>421 4.7.0 text</c> and close the connection.</summary>
    public static SmtpVerdict Disconnect(string text = "Closing connection", string enhancedCode = "4.7.0", string? reason = null)
        => new(VerdictKind.Disconnect, new SmtpReply(421, enhancedCode, text), reason ?? text);

    /// <summary>Answer positively but drop the recipient (at RCPT) or the message (at DATA).</summary>
    public static SmtpVerdict Discard(string reason) => new(VerdictKind.Discard, null, reason);

    /// <summary>Accept the message and mark it for quarantine (DATA phase).</summary>
    public static SmtpVerdict Quarantine(string reason) => new(VerdictKind.Quarantine, null, reason);

    /// <inheritdoc/>
    public override string ToString() => Reply is null ? Kind.ToString() : $"{Kind} {Reply}";
}
