namespace MtaKit;

/// <summary>
/// The engine's fixed last RCPT check before the message handler: does this host take mail for the
/// recipient's domain, or may this client relay? No stage's accept can skip it; only
/// <see cref="RcptContext.AuthorizeRelay"/> (logged) passes it for a domain that is not ours.
/// </summary>
public interface IRelayControl
{
    /// <summary>Returns accept, or a refusal (550 5.7.1 relaying denied).</summary>
    ValueTask<SmtpVerdict> CheckAsync(RcptContext context);
}
