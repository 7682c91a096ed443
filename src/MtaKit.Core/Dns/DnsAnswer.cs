namespace MtaKit;

/// <summary>
/// The answer to one DNS question: its status, the records of the asked type (CNAME chains already
/// followed), and how long the answer may be reused (the smallest record TTL, or the negative TTL).
/// </summary>
public sealed class DnsAnswer
{
    /// <summary>Creates an answer.</summary>
    /// <param name="name">The name asked for.</param>
    /// <param name="type">The type asked for.</param>
    /// <param name="status">The outcome.</param>
    /// <param name="records">The records of <paramref name="type"/> (empty unless <paramref name="status"/> is <see cref="DnsStatus.Success"/>).</param>
    /// <param name="ttl">How long the answer may be cached.</param>
    public DnsAnswer(string name, DnsRecordType type, DnsStatus status, IReadOnlyList<DnsRecord> records, TimeSpan ttl)
    {
        ArgumentNullException.ThrowIfNull(records);
        Name = DnsName.Normalize(name);
        Type = type;
        Status = status;
        Records = records;
        Ttl = ttl < TimeSpan.Zero ? TimeSpan.Zero : ttl;
    }

    /// <summary>The name asked for, lower case, without the trailing dot.</summary>
    public string Name { get; }

    /// <summary>The type asked for.</summary>
    public DnsRecordType Type { get; }

    /// <summary>The outcome.</summary>
    public DnsStatus Status { get; }

    /// <summary>The records of the asked type; empty unless <see cref="Status"/> is <see cref="DnsStatus.Success"/>.</summary>
    public IReadOnlyList<DnsRecord> Records { get; }

    /// <summary>How long this answer may be reused.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>True for <see cref="DnsStatus.Success"/>.</summary>
    public bool IsSuccess => Status == DnsStatus.Success;

    /// <summary>True when the name or type definitely does not exist (<see cref="DnsStatus.NxDomain"/> or <see cref="DnsStatus.NoData"/>).</summary>
    public bool IsNegative => Status is DnsStatus.NxDomain or DnsStatus.NoData;

    /// <summary>True when DNS failed to answer (<see cref="DnsStatus.ServFail"/>, <see cref="DnsStatus.Timeout"/>, <see cref="DnsStatus.Refused"/>, <see cref="DnsStatus.Error"/>): a temporary condition for mail decisions.</summary>
    public bool IsFailure => !IsSuccess && !IsNegative;

    /// <summary>Creates an answer without records (negative or failed).</summary>
    public static DnsAnswer Empty(string name, DnsRecordType type, DnsStatus status, TimeSpan ttl) => new(name, type, status, [], ttl);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Type}: {Status} ({Records.Count} records, ttl {Ttl.TotalSeconds:0}s)";
}
