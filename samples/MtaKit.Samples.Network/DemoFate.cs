namespace MtaKit.Samples.Network;

/// <summary>Where a demo message ended up.</summary>
public enum DemoFate
{
    /// <summary>Found nowhere: neither rejected nor in a Maildir or spool (a bug).</summary>
    Missing,

    /// <summary>Refused by the relay with a 4xx/5xx reply, and found in no Maildir or spool.</summary>
    Rejected,

    /// <summary>Delivered into a recipient's Maildir.</summary>
    Delivered,

    /// <summary>Still held in tier 1's spool.</summary>
    InTier1,

    /// <summary>Still held in tier 2's spool.</summary>
    InTier2,

    /// <summary>Still held in the outbound relay's spool.</summary>
    InOutbound,

    /// <summary>Returned to the sender as a delivery status notification (found in the sender's Maildir).</summary>
    Dsn,
}
