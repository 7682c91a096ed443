namespace MtaKit.Scanning;

/// <summary>What the SMTP stage should do with a message, all scans considered.</summary>
public enum ScanAction
{
    /// <summary>Accept it (nothing found, or scanning failed under <see cref="ScanFailPolicy.Accept"/>).</summary>
    Accept,

    /// <summary>Accept it and mark it as spam (score at or above <see cref="SpamOptions.TagScore"/>).</summary>
    Tag,

    /// <summary>Refuse it now with a permanent error (virus, blocked attachment, spam at or above <see cref="SpamOptions.RejectScore"/>).</summary>
    Reject,

    /// <summary>Refuse it now with a temporary error (scanning failed under <see cref="ScanFailPolicy.Defer"/>, or the spam scanner asked to greylist).</summary>
    Defer,
}
