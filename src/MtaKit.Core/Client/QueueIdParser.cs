using System.Text.RegularExpressions;

namespace MtaKit;

/// <summary>Finds the peer's queue id in the text of its final 250 reply.</summary>
/// <remarks>
/// Each pattern matches the id itself (the words around it are look-arounds), so that
/// <see cref="Regex.EnumerateMatches(ReadOnlySpan{char})"/> finds it without a <see cref="Match"/>
/// and its groups: only the id's string is allocated, once per delivered message.
/// </remarks>
internal static partial class QueueIdParser
{
    public static string? Parse(SmtpReply reply)
    {
        var text = reply.Text;
        return Find(PostfixQueued(), text) ?? Find(ExchangeInternalId(), text) ?? Find(EximId(), text) ?? Find(DovecotSaved(), text) ?? Find(SendmailAccepted(), text);
    }

    private static string? Find(Regex regex, string text)
    {
        foreach (var match in regex.EnumerateMatches(text))
        {
            return text.Substring(match.Index, match.Length);
        }

        return null;
    }

    // Postfix: "Ok: queued as 4Xyz"; also others "queued as X", and MtaKit's Mailstore "Ok: delivered as X".
    [GeneratedRegex(@"(?<=(?:queued|delivered) as )[^\s,;]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PostfixQueued();

    // Exchange: "<msgid@host> [InternalId=12345678901234, Hostname=EX01.example.com] Queued mail for delivery".
    [GeneratedRegex(@"(?<=\[InternalId=)[^\s,;\]]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExchangeInternalId();

    // Exim: "OK id=1abc-000123-AB".
    [GeneratedRegex(@"(?<=\bid=)[^\s,;]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EximId();

    // Dovecot LMTP: "<rcpt> <id> Saved" (the id is absent in "<rcpt> Saved").
    [GeneratedRegex(@"(?<=^<[^>]*>\s+)[^\s<>]+(?=\s+Saved)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DovecotSaved();

    // Sendmail: "xAB12345 Message accepted for delivery".
    [GeneratedRegex(@"^[A-Za-z0-9]{6,}(?=\s+Message accepted for delivery)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SendmailAccepted();
}
