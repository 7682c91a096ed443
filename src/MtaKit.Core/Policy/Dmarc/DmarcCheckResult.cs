namespace MtaKit;

/// <summary>The outcome of one DMARC evaluation: the result, the policy found and what applies to this message.</summary>
public sealed class DmarcCheckResult
{
    internal DmarcCheckResult(DmarcResult result, string? fromDomain, string? policyDomain, DmarcRecord? record, DmarcPolicy? requestedPolicy, DmarcPolicy appliedPolicy, bool spfAligned, bool dkimAligned, string? problem)
    {
        Result = result;
        FromDomain = fromDomain;
        PolicyDomain = policyDomain;
        Record = record;
        RequestedPolicy = requestedPolicy;
        AppliedPolicy = appliedPolicy;
        SpfAligned = spfAligned;
        DkimAligned = dkimAligned;
        Problem = problem;
    }

    /// <summary>The result.</summary>
    public DmarcResult Result { get; }

    /// <summary>The RFC 5322 From domain, lower-case, or <see langword="null"/> when the message has no single one.</summary>
    public string? FromDomain { get; }

    /// <summary>The domain whose <c>_dmarc</c> record was used (the From domain or its organisational domain), or <see langword="null"/>.</summary>
    public string? PolicyDomain { get; }

    /// <summary>The record used, or <see langword="null"/>.</summary>
    public DmarcRecord? Record { get; }

    /// <summary>The policy the record asks for this From domain (<c>sp=</c> for a subdomain when given, else <c>p=</c>), or <see langword="null"/> without a record.</summary>
    public DmarcPolicy? RequestedPolicy { get; }

    /// <summary>
    /// What applies to this message: <see cref="DmarcPolicy.None"/> unless <see cref="Result"/> is <see cref="DmarcResult.Fail"/>;
    /// on fail, <see cref="RequestedPolicy"/> lowered one step when the message fell outside <c>pct=</c>.
    /// </summary>
    public DmarcPolicy AppliedPolicy { get; }

    /// <summary>True when SPF passed for a domain aligned with the From domain.</summary>
    public bool SpfAligned { get; }

    /// <summary>True when a DKIM signature passed for a domain aligned with the From domain.</summary>
    public bool DkimAligned { get; }

    /// <summary>For <see cref="DmarcResult.TempError"/>, <see cref="DmarcResult.PermError"/> and <see cref="DmarcResult.None"/>: why.</summary>
    public string? Problem { get; }

    /// <summary>The lower-case name RFC 8601 uses (<c>pass</c>, <c>temperror</c>, ...).</summary>
    public static string ResultName(DmarcResult result) => result.ToString().ToLowerInvariant();

    /// <inheritdoc/>
    public override string ToString()
        => $"{ResultName(Result)} ({FromDomain ?? "no From domain"}{(RequestedPolicy is { } p ? ", p=" + DmarcRecord.PolicyName(p) + " dis=" + DmarcRecord.PolicyName(AppliedPolicy) : "")}{(Problem is null ? "" : ": " + Problem)})";
}
