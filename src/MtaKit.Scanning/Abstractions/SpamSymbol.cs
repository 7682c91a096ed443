namespace MtaKit.Scanning;

/// <summary>A rule that matched in a spam scan.</summary>
/// <param name="Name">The rule name (<c>GTUBE</c>, <c>BAYES_99</c>).</param>
/// <param name="Score">The rule's score, or null when the scanner does not report it (spamd SYMBOLS).</param>
public readonly record struct SpamSymbol(string Name, double? Score = null);
