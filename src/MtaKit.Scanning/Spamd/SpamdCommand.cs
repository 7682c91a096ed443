namespace MtaKit.Scanning;

/// <summary>The SPAMC/1.5 command a <see cref="SpamdClient"/> sends; all of them score the message, they differ in the reply body.</summary>
public enum SpamdCommand
{
    /// <summary><c>CHECK</c>: the verdict and score only.</summary>
    Check,

    /// <summary><c>SYMBOLS</c>: plus the names of the rules that matched (the default).</summary>
    Symbols,

    /// <summary><c>REPORT</c>: plus the human-readable report, from which the rule scores are read.</summary>
    Report,

    /// <summary><c>HEADERS</c>: plus SpamAssassin's header section; its <c>X-Spam-*</c> fields become header edits.</summary>
    Headers,
}
