using System.Globalization;
using System.Net;
using YamlDotNet.RepresentationModel;

namespace MtaKit.Core.Tests.Policy.Spf;

/// <summary>
/// Loads TestData/rfc7208-tests.yml (the openspf.org suite, see its LICENSE): one scenario per YAML document,
/// each with tests and a zone. The zone becomes a <see cref="StaticZone"/>: TIMEOUT makes queries without records
/// of the asked type time out; type SPF (99) records are never queried by an RFC 7208 evaluator, and as the suite's
/// drivers do, a name with SPF records and no TXT entry gets them as TXT (an explicit <c>TXT: NONE</c> stops that).
/// </summary>
internal static class Rfc7208Suite
{
    private static readonly Lazy<IReadOnlyDictionary<string, (Rfc7208Case Case, StaticZone Zone)>> Cases = new(Load);

    public static IEnumerable<string> Names => Cases.Value.Keys;

    public static (Rfc7208Case Case, StaticZone Zone) Get(string name) => Cases.Value[name];

    private static Dictionary<string, (Rfc7208Case, StaticZone)> Load()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "TestData", "rfc7208-tests.yml")))
        {
            yaml.Load(reader);
        }

        var cases = new Dictionary<string, (Rfc7208Case, StaticZone)>(StringComparer.Ordinal);
        foreach (var document in yaml.Documents)
        {
            var root = (YamlMappingNode)document.RootNode;
            var scenario = Scalar(root, "description")!;
            var zone = BuildZone((YamlMappingNode)root.Children[new YamlScalarNode("zonedata")]);
            foreach (var (key, value) in ((YamlMappingNode)root.Children[new YamlScalarNode("tests")]).Children)
            {
                var test = (YamlMappingNode)value;
                var results = test.Children[new YamlScalarNode("result")] switch
                {
                    YamlSequenceNode list => list.Children.Select(n => ((YamlScalarNode)n).Value!).ToArray(),
                    var single => [((YamlScalarNode)single).Value!],
                };
                var name = $"{scenario}/{((YamlScalarNode)key).Value}";
                cases.Add(name, (new Rfc7208Case(
                    name,
                    Scalar(test, "host")!,
                    Scalar(test, "mailfrom") ?? string.Empty,
                    Scalar(test, "helo") ?? string.Empty,
                    [.. results.Select(r => Enum.Parse<SpfResult>(r, ignoreCase: true))],
                    Scalar(test, "explanation")), zone));
            }
        }

        return cases;
    }

    private static StaticZone BuildZone(YamlMappingNode zonedata)
    {
        var builder = new StaticZoneBuilder();
        var ttl = TimeSpan.FromMinutes(5);
        foreach (var (nameNode, entriesNode) in zonedata.Children)
        {
            var name = ((YamlScalarNode)nameNode).Value!;
            var entries = ((YamlSequenceNode)entriesNode).Children;
            var hasTxt = entries.OfType<YamlMappingNode>().Any(m => m.Children.ContainsKey(new YamlScalarNode("TXT")));
            builder.AddStatus(name, DnsStatus.NoData);
            foreach (var entry in entries)
            {
                if (entry is YamlScalarNode { Value: "TIMEOUT" })
                {
                    builder.AddStatus(name, DnsStatus.Timeout);
                    continue;
                }

                foreach (var (typeNode, value) in ((YamlMappingNode)entry).Children)
                {
                    switch (((YamlScalarNode)typeNode).Value)
                    {
                        case "A" or "AAAA":
                            foreach (var address in Strings(value))
                            {
                                builder.AddRecord(DnsRecord.ForAddress(name, IPAddress.Parse(address), ttl));
                            }

                            break;
                        case "MX":
                            var mx = Strings(value);
                            builder.AddRecord(DnsRecord.ForMx(name, int.Parse(mx[0], CultureInfo.InvariantCulture), mx[1], ttl));
                            break;
                        case "PTR":
                            builder.AddRecord(DnsRecord.ForPtr(name, Strings(value)[0], ttl));
                            break;
                        case "CNAME":
                            builder.AddRecord(DnsRecord.ForCname(name, Strings(value)[0], ttl));
                            break;
                        case "TXT" when value is YamlScalarNode { Value: "NONE" }:
                            break;
                        case "TXT":
                            builder.AddRecord(DnsRecord.ForTxt(name, ttl, Strings(value)));
                            break;
                        case "SPF" when !hasTxt:
                            builder.AddRecord(DnsRecord.ForTxt(name, ttl, Strings(value)));
                            break;
                        case "SPF":
                            break;
                        default:
                            throw new InvalidOperationException($"unknown zone entry {typeNode} for {name}");
                    }
                }
            }
        }

        return builder.Build();
    }

    private static string[] Strings(YamlNode node) => node switch
    {
        YamlSequenceNode list => [.. list.Children.Select(n => ((YamlScalarNode)n).Value ?? string.Empty)],
        _ => [((YamlScalarNode)node).Value ?? string.Empty],
    };

    private static string? Scalar(YamlMappingNode node, string key)
        => node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;
}

/// <summary>One test of the RFC 7208 suite.</summary>
internal sealed record Rfc7208Case(string Name, string Host, string MailFrom, string Helo, IReadOnlyList<SpfResult> Results, string? Explanation);
