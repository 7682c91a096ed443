using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MtaKit.Hosting;

/// <summary>Adds the HELO/EHLO checks to an MtaKit host.</summary>
public static class HeloChecksBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="HeloChecksStage"/> (HELO phase) unless <c>MtaKit:HeloChecks:Enabled</c> is false. Keys under
    /// <c>MtaKit:HeloChecks</c>: <c>InvalidSyntaxAction</c> (<c>Reject</c> or <c>Score</c>), <c>InvalidSyntaxScore</c>,
    /// <c>RejectOurIdentity</c>, <c>OurNames:&lt;i&gt;</c>, <c>CheckFcrdns</c>, <c>FcrdnsFailScore</c>, <c>MaxPtrNames</c>
    /// (<see cref="HeloChecksOptions"/>).
    /// </summary>
    public static MtaKitBuilder UseHeloChecks(this MtaKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        if (!PolicyOptionsBinder.IsEnabled(configuration, "HeloChecks"))
        {
            return builder;
        }

        return builder.UseStage(sp => new HeloChecksStage(
            sp.GetRequiredService<IDnsResolver>(),
            PolicyOptionsBinder.Bind<HeloChecksOptions>(configuration, "HeloChecks", o => o.Validate()),
            sp.GetService<ILogger<HeloChecksStage>>(),
            sp.GetService<IMeterFactory>()));
    }
}
