namespace MtaKit.Queueing.Tests.Retry;

public sealed class RetryErrorClassifierTests
{
    [Theory]
    [InlineData(421, "4.3.2", "Service shutting down", DeliveryPhase.Connect, true, RetryErrorKind.Mail4xx)]
    [InlineData(451, "4.7.1", "Greylisted", DeliveryPhase.Mail, true, RetryErrorKind.Mail4xx)]
    [InlineData(450, "4.2.1", "Mailbox busy", DeliveryPhase.Rcpt, true, RetryErrorKind.Rcpt4xx)]
    [InlineData(451, "4.3.0", "Try later", DeliveryPhase.Data, true, RetryErrorKind.Data4xx)]
    [InlineData(451, "4.4.1", "Connection to 192.0.2.1:25 timed out after 30 s", DeliveryPhase.Connect, false, RetryErrorKind.Timeout)]
    [InlineData(451, "4.4.2", "Timed out after 300 s while waiting for the DATA reply (192.0.2.1:25)", DeliveryPhase.Data, false, RetryErrorKind.Timeout)]
    [InlineData(451, "4.4.1", "Connection to 192.0.2.1:25 failed: Connection refused", DeliveryPhase.Connect, false, RetryErrorKind.Refused)]
    [InlineData(451, "4.4.2", "Lost connection with 192.0.2.1:25 while sending RCPT", DeliveryPhase.Rcpt, false, RetryErrorKind.Other)]
    [InlineData(451, "4.7.5", "TLS handshake with 192.0.2.1:25 failed", DeliveryPhase.Connect, false, RetryErrorKind.Other)]
    public void Classify_TransientResults_ByPhaseOrFault(int code, string enhanced, string text, DeliveryPhase phase, bool peer, RetryErrorKind expected)
    {
        var result = new DeliveryResult(new SmtpClientRecipient("a@example.com"), new SmtpReply(code, enhanced, text), phase, peer);

        Assert.Equal(expected, RetryErrorClassifier.Classify(result));
    }
}
