namespace MtaKit.Scanning;

/// <summary>A header change a scanner asks for.</summary>
/// <param name="Kind">Add or remove.</param>
/// <param name="Name">The header field name.</param>
/// <param name="Value">The value to add; null for a removal.</param>
/// <param name="Index">For an addition, rspamd's <c>order</c> (position, 0 = first); for a removal, which occurrence (1-based; 0 = all).</param>
public readonly record struct HeaderEdit(HeaderEditKind Kind, string Name, string? Value = null, int Index = 0);
