namespace MtaKit.Queueing;

/// <summary>
/// Reads what the SPF and DMARC stages recorded on the transaction (<see cref="SpfCheckResult"/>,
/// <see cref="DmarcCheckResult"/> in <see cref="SmtpTransaction.Properties"/>) and whether the client
/// authenticated, and sums it up as a <see cref="SenderValidation"/>.
/// </summary>
internal static class SenderValidationEvaluator
{
    public static SenderValidation Evaluate(SmtpSession session, SmtpTransaction transaction)
    {
        if (session.AuthenticatedUser is not null)
        {
            return SenderValidation.Validated;
        }

        // A HELO-identity SPF result says nothing about the reverse path a DSN would go to.
        var spf = transaction.Properties.TryGet<SpfCheckResult>(out var s) && s.Identity == "mailfrom" ? s : null;
        var dmarc = transaction.Properties.Get<DmarcCheckResult>();
        if (spf?.Result == SpfResult.Pass || dmarc?.Result == DmarcResult.Pass)
        {
            return SenderValidation.Validated;
        }

        return spf is null && dmarc is null ? SenderValidation.Unknown : SenderValidation.NotValidated;
    }
}
