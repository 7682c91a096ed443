namespace MtaKit;

/// <summary>A typed DNS answer: the status, the record values, and how long they may be reused.</summary>
/// <typeparam name="T">The record value: <see cref="System.Net.IPAddress"/>, <see cref="MailExchanger"/> or <see cref="string"/> (TXT text, PTR host).</typeparam>
public sealed class DnsResult<T>
{
    /// <summary>Creates a result.</summary>
    public DnsResult(DnsStatus status, IReadOnlyList<T> records, TimeSpan ttl)
    {
        ArgumentNullException.ThrowIfNull(records);
        Status = status;
        Records = records;
        Ttl = ttl;
    }

    /// <summary>The outcome.</summary>
    public DnsStatus Status { get; }

    /// <summary>The record values; empty unless <see cref="Status"/> is <see cref="DnsStatus.Success"/>.</summary>
    public IReadOnlyList<T> Records { get; }

    /// <summary>How long the answer may be reused.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>True for <see cref="DnsStatus.Success"/>.</summary>
    public bool IsSuccess => Status == DnsStatus.Success;

    /// <summary>True for <see cref="DnsStatus.NxDomain"/> or <see cref="DnsStatus.NoData"/>.</summary>
    public bool IsNegative => Status is DnsStatus.NxDomain or DnsStatus.NoData;

    /// <summary>True when DNS failed to answer (temporary for mail decisions).</summary>
    public bool IsFailure => !IsSuccess && !IsNegative;
}
