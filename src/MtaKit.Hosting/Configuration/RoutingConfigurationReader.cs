using Microsoft.Extensions.Configuration;
using MtaKit.Routing;

namespace MtaKit.Hosting.Configuration;

/// <summary>Reads <c>MtaKit:Routing</c> into <see cref="RoutingOptions"/>, collecting problems with their keys.</summary>
public static class RoutingConfigurationReader
{
    /// <summary>Reads the routing options from the <c>MtaKit</c> section.</summary>
    public static RoutingOptions Read(IConfiguration mtaKitSection, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(mtaKitSection);
        ArgumentNullException.ThrowIfNull(errors);
        var section = mtaKitSection.GetSection("Routing");
        var routes = new List<Route>();
        foreach (var r in section.GetSection("Routes").GetChildren())
        {
            var p = $"MtaKit:Routing:Routes:{r.Key}:";
            var domains = new List<DomainPattern>();
            foreach (var d in r.GetSection("Domains").GetChildren())
            {
                try
                {
                    domains.Add(DomainPattern.Parse(d.Value ?? string.Empty));
                }
                catch (FormatException e)
                {
                    errors.Add($"{p}Domains:{d.Key}: {e.Message}");
                }
            }

            var hops = new List<NextHop>();
            foreach (var h in r.GetSection("NextHops").GetChildren())
            {
                var priority = MtaKitConfigurationReader.Get(h, "Priority", 0, $"{p}NextHops:{h.Key}:", errors);
                var address = h["Address"] ?? h.Value;
                if (NextHop.TryParse(address, priority, out var hop, out var error))
                {
                    hops.Add(hop);
                }
                else
                {
                    errors.Add($"{p}NextHops:{h.Key}:Address: {error}");
                }
            }

            var tlsMode = MtaKitConfigurationReader.Get(r, "Tls:Mode", RouteTlsMode.Opportunistic, p, errors);
            var validate = MtaKitConfigurationReader.Get(r, "Tls:Validate", false, p, errors);
            RouteAuth? auth = null;
            if (r["Auth:Username"] is { Length: > 0 } user)
            {
                auth = new RouteAuth { UserName = user, Password = r["Auth:Password"] ?? string.Empty };
            }

            routes.Add(new Route
            {
                Domains = domains,
                NextHops = hops,
                FallbackHosts = ReadHops(r.GetSection("FallbackHosts"), p + "FallbackHosts:", errors),
                Tls = new RouteTls { Mode = tlsMode, Validate = validate },
                Auth = auth,
            });
        }

        var options = new RoutingOptions
        {
            Routes = routes,
            FallbackHosts = ReadHops(section.GetSection("FallbackHosts"), "MtaKit:Routing:FallbackHosts:", errors),
            SplitOnRouteChange = MtaKitConfigurationReader.Get(section, "Cutthrough:SplitOnRouteChange", true, "MtaKit:Routing:", errors),
        };
        errors.AddRange(options.Validate());
        return options;
    }

    private static List<NextHop> ReadHops(IConfigurationSection section, string prefix, List<string> errors)
    {
        var hops = new List<NextHop>();
        foreach (var h in section.GetChildren())
        {
            if (NextHop.TryParse(h.Value, 0, out var hop, out var error))
            {
                hops.Add(hop);
            }
            else
            {
                errors.Add($"{prefix}{h.Key}: {error}");
            }
        }

        return hops;
    }
}
