namespace MtaKit;

/// <summary>Where a DNSBL verdict is given: at connect (drop early) or at RCPT (so postmaster/abuse can still be allowed).</summary>
public enum DnsblRejectPhase
{
    /// <summary>Reject when the connection opens.</summary>
    Connect,

    /// <summary>Reject each RCPT TO (the default: some recipients may be exempt).</summary>
    Rcpt,
}
