using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MtaKit.Hosting.Configuration;

namespace MtaKit.Hosting;

/// <summary>What the hints-based policy extensions share: error reporting, network lists and the cluster check.</summary>
internal static class HintsConfiguration
{
    /// <summary>Throws the host's usual configuration error listing every problem.</summary>
    public static void ThrowIfAny(IReadOnlyCollection<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid MtaKit configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)));
        }
    }

    /// <summary>Reads a list of CIDR networks from <paramref name="key"/> of the <c>MtaKit</c> section.</summary>
    public static List<IPNetwork> ReadNetworks(IConfiguration mtaKitSection, string key, List<string> errors)
    {
        var networks = new List<IPNetwork>();
        foreach (var item in mtaKitSection.GetSection(key).GetChildren())
        {
            if (EndPointParser.TryParseNetwork(item.Value, out var n))
            {
                networks.Add(n);
            }
            else
            {
                errors.Add($"MtaKit:{key}:{item.Key} '{item.Value}' is not a CIDR network (e.g. 10.0.0.0/8).");
            }
        }

        return networks;
    }

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
