using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MtaKit.Hosting;

/// <summary>Adds the sender-domain checks to an MtaKit host.</summary>
public static class SenderChecksBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="SenderChecksStage"/> (MAIL phase) unless <c>MtaKit:SenderChecks:Enabled</c> is false. Keys under
    /// <c>MtaKit:SenderChecks</c>: <c>RejectUnroutableDomains</c>, <c>DeferOnDnsFailure</c>, <c>SkipAuthenticated</c>
    /// (<see cref="SenderChecksOptions"/>).
    /// </summary>
    public static MtaKitBuilder UseSenderChecks(this MtaKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        if (!PolicyOptionsBinder.IsEnabled(configuration, "SenderChecks"))
        {
            return builder;
        }

        return builder.UseStage(sp => new SenderChecksStage(
            new MailDomainChecker(sp.GetRequiredService<IDnsResolver>()),
            PolicyOptionsBinder.Bind<SenderChecksOptions>(configuration, "SenderChecks"),
            sp.GetService<ILogger<SenderChecksStage>>(),
            sp.GetService<IMeterFactory>()));
    }
}
