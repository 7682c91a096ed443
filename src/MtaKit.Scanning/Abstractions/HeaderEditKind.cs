namespace MtaKit.Scanning;

/// <summary>What a <see cref="HeaderEdit"/> does.</summary>
public enum HeaderEditKind
{
    /// <summary>Add a header field.</summary>
    Add,

    /// <summary>Remove a header field (one occurrence or all).</summary>
    Remove,
}
