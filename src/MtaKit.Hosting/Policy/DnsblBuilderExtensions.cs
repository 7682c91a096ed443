using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MtaKit.Hosting.Configuration;

namespace MtaKit.Hosting;

/// <summary>Adds the DNSBL stage to an MtaKit host.</summary>
public static class DnsblBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="DnsblStage"/> (connect and RCPT phases) with options bound from <c>MtaKit:Dnsbl</c>:
    /// <c>Lists:&lt;i&gt;:Zone</c>, <c>Lists:&lt;i&gt;:Weight</c> (negative for an allow-list), <c>Lists:&lt;i&gt;:Codes:&lt;j&gt;</c>,
    /// <c>Lists:&lt;i&gt;:FetchReason</c>, <c>DomainLists:&lt;i&gt;:*</c> (sender-domain lists, same keys), <c>Threshold</c>, <c>RejectAt</c> (<c>Connect</c> or <c>Rcpt</c>), <c>Timeout</c>.
    /// Lookups use the shared <see cref="IDnsResolver"/>. Invalid options fail the host's start; the
    /// section follows configuration reloads (a transaction keeps the lists it had at MAIL; an invalid
    /// reload is logged and ignored).
    /// </summary>
    public static MtaKitBuilder UseDnsbl(this MtaKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        return builder.UseStage(sp => new ReloadingStage(
            configuration,
            DnsblOptions.SectionName,
            () =>
            {
                var options = PolicyOptionsBinder.Bind<DnsblOptions>(configuration, "Dnsbl", o => o.Validate());
                var checker = new DnsblChecker(
                    sp.GetRequiredService<IDnsResolver>(), options, sp.GetService<TimeProvider>(), sp.GetService<ILogger<DnsblChecker>>(), sp.GetService<IMeterFactory>());
                return new DnsblStage(checker, sp.GetService<ILogger<DnsblStage>>(), sp.GetService<IMeterFactory>());
            },
            sp.GetService<ILoggerFactory>()?.CreateLogger("MtaKit.Policy") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
    }
}
