// README-EXAMPLE-START
using MtaKit;

/// <summary>Refuses mail from senders on a small deny list, at MAIL time, with a precise reply.</summary>
public sealed class DenySenders(IReadOnlySet<string> denied) : IMailStage
{
    public ValueTask<SmtpVerdict> OnMailAsync(MailContext context, StageDelegate<MailContext> next)
        => context.ReversePath is { } sender && denied.Contains(sender.AsciiDomain)
            ? new(SmtpVerdict.Reject(550, "5.7.1", $"Mail from {sender.AsciiDomain} is not accepted here"))
            : next(context);
}
// README-EXAMPLE-END
