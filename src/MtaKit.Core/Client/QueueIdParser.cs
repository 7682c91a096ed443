using System.Text.RegularExpressions;

namespace MtaKit;

/// <summary>Finds the peer's queue id in the text of its final 250 reply.</summary>
internal static partial class QueueIdParser
{
    public static string? Parse(SmtpReply reply)
    {
        var text = reply.Text;
        var match = PostfixQueued().Match(text);
        if (!match.Success)
        {
            match = ExchangeInternalId().Match(text);
        }

        if (!match.Success)
        {
            match = EximId().Match(text);
        }

        if (!match.Success)
        {
            match = DovecotSaved().Match(text);
        }

        if (!match.Success)
        {
            match = SendmailAccepted().Match(text);
        }

        return match.Success ? match.Groups["id"].Value : null;
    }

    // Postfix: "Ok: queued as 4Xyz"; also others "queued as X", and MtaKit's Mailstore "Ok: delivered as X".
    [GeneratedRegex(@"(?:queued|delivered) as (?<id>[^\s,;]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PostfixQueued();

    // Exchange: "<msgid@host> [InternalId=12345678901234, Hostname=EX01.example.com] Queued mail for delivery".
    [GeneratedRegex(@"\[InternalId=(?<id>[^\s,;\]]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExchangeInternalId();

    // Exim: "OK id=1abc-000123-AB".
    [GeneratedRegex(@"\bid=(?<id>[^\s,;]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EximId();

    // Dovecot LMTP: "<rcpt> <id> Saved" (the id is absent in "<rcpt> Saved").
    [GeneratedRegex(@"^<[^>]*>\s+(?<id>[^\s<>]+)\s+Saved", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DovecotSaved();

    // Sendmail: "xAB12345 Message accepted for delivery".
    [GeneratedRegex(@"^(?<id>[A-Za-z0-9]{6,})\s+Message accepted for delivery", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SendmailAccepted();
}
