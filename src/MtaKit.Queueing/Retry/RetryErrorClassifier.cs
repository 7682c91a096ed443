namespace MtaKit.Queueing;

/// <summary>Maps the SMTP client's transient delivery results onto the <see cref="RetryErrorKind"/> retry rules match.</summary>
public static class RetryErrorClassifier
{
    /// <summary>
    /// Classifies a transient result: a peer's 4xx by the phase that got it (<c>mail_4xx</c> for the
    /// greeting, EHLO and MAIL, <c>rcpt_4xx</c>, <c>data_4xx</c>); a fault the client reported itself
    /// as <c>timeout</c> when it timed out, <c>refused</c> when connecting failed otherwise, and
    /// <c>other</c> for the rest (lost connection, TLS, protocol errors).
    /// </summary>
    /// <param name="result">A result with <see cref="DeliveryStatus.Transient"/>.</param>
    /// <remarks>
    /// The client reports faults as replies it made itself (<see cref="DeliveryResult.IsPeerReply"/>
    /// false) and tells a timeout only by its text, so that is what is matched here.
    /// </remarks>
    public static RetryErrorKind Classify(DeliveryResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.IsPeerReply)
        {
            return result.Phase switch
            {
                DeliveryPhase.Rcpt => RetryErrorKind.Rcpt4xx,
                DeliveryPhase.Data => RetryErrorKind.Data4xx,
                _ => RetryErrorKind.Mail4xx,
            };
        }

        if (result.Reply.Text.Contains("timed out", StringComparison.OrdinalIgnoreCase))
        {
            return RetryErrorKind.Timeout;
        }

        return result.Phase == DeliveryPhase.Connect && result.Reply.EnhancedCode == new EnhancedStatusCode(4, 4, 1)
            ? RetryErrorKind.Refused
            : RetryErrorKind.Other;
    }
}
