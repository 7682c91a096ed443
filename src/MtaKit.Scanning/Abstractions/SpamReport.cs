using System.Globalization;

namespace MtaKit.Scanning;

/// <summary>What a spam scanner said about a message: score, threshold, symbols, action and header edits. Immutable.</summary>
public sealed class SpamReport
{
    /// <summary>The message's score.</summary>
    public required double Score { get; init; }

    /// <summary>The scanner's own spam threshold (spamd's required score; rspamd's reject score).</summary>
    public required double RequiredScore { get; init; }

    /// <summary>True when the scanner itself called the message spam.</summary>
    public required bool IsSpam { get; init; }

    /// <summary>The rules that matched, with their scores when the scanner reports them.</summary>
    public IReadOnlyList<SpamSymbol> Symbols { get; init; } = [];

    /// <summary>rspamd's recommended action (<c>no action</c>, <c>greylist</c>, <c>add header</c>, <c>rewrite subject</c>, <c>soft reject</c>, <c>reject</c>), or null.</summary>
    public string? Action { get; init; }

    /// <summary>The header changes the scanner asks for (rspamd milter block; spamd HEADERS' <c>X-Spam-*</c> lines).</summary>
    public IReadOnlyList<HeaderEdit> HeaderEdits { get; init; } = [];

    /// <summary>A reply text the scanner suggests for the SMTP client (rspamd <c>smtp_message</c>), or null.</summary>
    public string? SmtpMessage { get; init; }

    /// <summary>The scanner's human-readable report (spamd REPORT), or null.</summary>
    public string? Report { get; init; }

    /// <inheritdoc />
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Score:0.0###}/{RequiredScore:0.0###}{(Action is null ? "" : " " + Action)} [{string.Join(',', Symbols.Select(s => s.Name))}]");
}
