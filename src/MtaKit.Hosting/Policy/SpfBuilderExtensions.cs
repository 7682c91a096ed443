using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MtaKit.Hosting;

/// <summary>Adds the SPF stage to an MtaKit host.</summary>
public static class SpfBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="SpfStage"/> (MAIL and DATA phases) unless <c>MtaKit:Spf:Enabled</c> is false. Keys under
    /// <c>MtaKit:Spf</c>: <c>FailAction</c> (<c>Reject</c>, <c>Tag</c>, <c>None</c>), <c>PermErrorAction</c>,
    /// <c>DeferOnTempError</c>, <c>SkipAuthenticated</c> (<see cref="SpfPolicyOptions"/>) and the evaluator's
    /// <c>ReceiverName</c>, <c>DnsLookupLimit</c>, <c>VoidLookupLimit</c>, <c>NameLookupLimit</c>, <c>DefaultExplanation</c>
    /// (<see cref="SpfOptions"/>).
    /// </summary>
    public static MtaKitBuilder UseSpf(this MtaKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        if (!PolicyOptionsBinder.IsEnabled(configuration, "Spf"))
        {
            return builder;
        }

        return builder.UseStage(sp =>
        {
            var policy = PolicyOptionsBinder.Bind<SpfPolicyOptions>(configuration, "Spf", o => o.Validate());
            var evaluatorOptions = PolicyOptionsBinder.Bind<SpfOptions>(configuration, "Spf", o => Validate(o));
            var evaluator = new SpfEvaluator(sp.GetRequiredService<IDnsResolver>(), evaluatorOptions, sp.GetService<TimeProvider>(), sp.GetService<ILogger<SpfEvaluator>>());
            return new SpfStage(evaluator, policy, sp.GetService<ILogger<SpfStage>>(), sp.GetService<IMeterFactory>());
        });
    }

    private static string[] Validate(SpfOptions options)
    {
        try
        {
            options.Validate();
            return [];
        }
        catch (ArgumentException e)
        {
            return [e.Message];
        }
    }
}
