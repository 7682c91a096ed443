using System.Net;
using Microsoft.Extensions.Configuration;

namespace MtaKit.Hosting.Configuration;

/// <summary>The one way hosting code reports configuration problems and reads network lists.</summary>
internal static class ConfigurationErrors
{
    /// <summary>Throws the host's configuration error (every problem on its own line, each naming its key), if there are any.</summary>
    public static void ThrowIfAny(IReadOnlyCollection<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid MtaKit configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)));
        }
    }

    /// <summary>Reads a list of CIDR networks from <paramref name="key"/> of a section (the <c>MtaKit</c> section unless <paramref name="prefix"/> names another).</summary>
    public static List<IPNetwork> ReadNetworks(IConfiguration mtaKitSection, string key, List<string> errors, string prefix = "MtaKit:")
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
                errors.Add($"{prefix}{key}:{item.Key} '{item.Value}' is not a CIDR network (e.g. 10.0.0.0/8).");
            }
        }

        return networks;
    }
}
