using System.Diagnostics.Metrics;

namespace MtaKit;

/// <summary>
/// The policy stages' instruments on the "MtaKit" meter: verdicts by stage and outcome, and DNS failures
/// that were let through (a policy stage never blocks mail because DNS failed, except where it defers).
/// </summary>
internal sealed class PolicyMetrics
{
    // Without a factory every stage shares this process-wide meter: nothing to dispose per stage.
    private static readonly Meter SharedMeter = new("MtaKit");

    public PolicyMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(new MeterOptions("MtaKit")) ?? SharedMeter;
        Verdicts = meter.CreateCounter<long>("mtakit.policy.verdicts", "{verdict}", "Policy stage outcomes, by stage and outcome (reject, defer, tag, pass).");
        DnsFailures = meter.CreateCounter<long>("mtakit.policy.dns_failures", "{lookup}", "Policy lookups whose DNS failed, by stage.");
    }

    public Counter<long> Verdicts { get; }

    public Counter<long> DnsFailures { get; }

    public void Count(string stage, string outcome)
        => Verdicts.Add(1, new KeyValuePair<string, object?>("stage", stage), new KeyValuePair<string, object?>("outcome", outcome));

    public void CountDnsFailure(string stage)
        => DnsFailures.Add(1, new KeyValuePair<string, object?>("stage", stage));
}
