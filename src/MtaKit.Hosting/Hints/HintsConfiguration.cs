using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MtaKit.Hosting.Configuration;

namespace MtaKit.Hosting;

/// <summary>What the hints-based policy extensions share: string lists, the store and the cluster check.</summary>
internal static class HintsConfiguration
{
    /// <summary>Reads a list of strings from <paramref name="key"/> of the <c>MtaKit</c> section.</summary>
    public static List<string> ReadStrings(IConfiguration mtaKitSection, string key)
        => [.. mtaKitSection.GetSection(key).GetChildren().Select(c => c.Value).OfType<string>()];

    /// <summary>
    /// Resolves the store and warns (event 4190) when this host is one of several nodes
    /// (<c>MtaKit:Cluster:Nodes</c> &gt; 1) but keeps <paramref name="feature"/>'s state in process memory.
    /// </summary>
    public static IHintsStore ResolveStore(IServiceProvider services, IConfiguration mtaKitSection, string feature, List<string> errors)
    {
        var store = services.GetRequiredService<IHintsStore>();
        var nodes = MtaKitConfigurationReader.Get(mtaKitSection, "Cluster:Nodes", 1, "MtaKit:", errors);
        if (nodes < 1)
        {
            errors.Add("MtaKit:Cluster:Nodes: must be at least 1.");
        }
        else if (nodes > 1 && store is InMemoryHintsStore)
        {
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger("MtaKit.Hosting.Hints") ?? NullLogger.Instance;
            HintsLog.EmbeddedStoreInCluster(logger, feature, nodes);
        }

        return store;
    }
}
