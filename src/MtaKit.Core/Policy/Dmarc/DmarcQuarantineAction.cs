namespace MtaKit;

/// <summary>What an enforcing <see cref="DmarcStage"/> does with mail whose domain's applied policy is quarantine.</summary>
public enum DmarcQuarantineAction
{
    /// <summary>Accept with <see cref="SmtpVerdict.Quarantine(string)"/>: the message handler decides where it goes.</summary>
    Quarantine,

    /// <summary>Accept normally (the Authentication-Results header still says <c>dmarc=fail</c>).</summary>
    Accept,

    /// <summary>Reject like a reject policy (550 5.7.1).</summary>
    Reject,
}
