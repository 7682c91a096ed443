namespace MtaKit;

/// <summary>The outcome of one DNS lookup.</summary>
public enum DnsStatus
{
    /// <summary>NOERROR with at least one record of the asked type.</summary>
    Success,

    /// <summary>NXDOMAIN: the name does not exist.</summary>
    NxDomain,

    /// <summary>NOERROR without records of the asked type: the name exists, the type does not.</summary>
    NoData,

    /// <summary>SERVFAIL: the server could not answer (temporary).</summary>
    ServFail,

    /// <summary>No answer in time from any server (temporary).</summary>
    Timeout,

    /// <summary>REFUSED: the server would not answer.</summary>
    Refused,

    /// <summary>Any other failure: another response code, a malformed answer, an invalid name or a socket error.</summary>
    Error,
}
