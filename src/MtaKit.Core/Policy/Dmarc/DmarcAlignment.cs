namespace MtaKit;

/// <summary>How an authenticated domain must match the From domain (<c>adkim=</c>, <c>aspf=</c>).</summary>
public enum DmarcAlignment
{
    /// <summary>The same organisational domain (<c>r</c>, the default).</summary>
    Relaxed,

    /// <summary>Exactly the same domain (<c>s</c>).</summary>
    Strict,
}
