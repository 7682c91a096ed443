using System.Globalization;
using System.Net;

namespace MtaKit;

/// <summary>
/// Options of the DNS resolver, bound from the <c>MtaKit:Dns</c> configuration section
/// (<c>MtaKit:Dns:Servers:0</c> = <c>127.0.0.1:53</c>, <c>MtaKit:Dns:StaticZoneFiles:0</c> = <c>/etc/mtakit/local.zone</c>, ...).
/// Checked once by <see cref="Validate"/> when a resolver is created.
/// </summary>
public sealed class DnsOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MtaKit:Dns";

    /// <summary>
    /// The DNS servers, tried in order: <c>host:port</c>, <c>[v6]:port</c>, or an address alone (port 53).
    /// Addresses only: a name would need DNS to find DNS.
    /// </summary>
    /// <value>Empty by default: the system's resolvers (<c>/etc/resolv.conf</c>).</value>
    public IList<string> Servers { get; } = [];

    /// <summary>Zone files served by a <see cref="StaticZoneResolver"/> in front of the servers (see <see cref="StaticZone"/> for the format).</summary>
    /// <value>Empty by default.</value>
    public IList<string> StaticZoneFiles { get; } = [];

    /// <summary>How long to wait for one server's answer to one attempt.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many times a query is retried after a timeout.</summary>
    /// <value>The default value is 1.</value>
    public int Retries { get; set; } = 1;

    /// <summary>Whether a truncated UDP answer is asked again over TCP.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseTcpFallback { get; set; } = true;

    /// <summary>Whether answers are cached for their TTL.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseCache { get; set; } = true;

    /// <summary>The most answers the cache holds; the least recently used go first.</summary>
    /// <value>The default value is 10000.</value>
    public int CacheMaxEntries { get; set; } = 10_000;

    /// <summary>The longest time a positive answer is cached, whatever its TTL.</summary>
    /// <value>The default value is 1 day.</value>
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long NXDOMAIN/NODATA is cached when the answer carries no SOA record.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan NegativeTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest time NXDOMAIN/NODATA is cached, whatever the SOA minimum says.</summary>
    /// <value>The default value is 15 minutes.</value>
    public TimeSpan MaxNegativeTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long SERVFAIL, timeouts and other failures are cached; zero disables it.</summary>
    /// <value>The default value is 2 seconds (enough to stop a storm of identical failing queries).</value>
    public TimeSpan FailureTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Checks every value; returns one message per problem, naming its configuration key (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        for (var i = 0; i < Servers.Count; i++)
        {
            if (!TryParseServer(Servers[i], out _))
            {
                errors.Add($"{SectionName}:Servers:{i}: '{Servers[i]}' is not an IP address with an optional port (host:port, [v6]:port).");
            }
        }

        for (var i = 0; i < StaticZoneFiles.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(StaticZoneFiles[i]))
            {
                errors.Add($"{SectionName}:StaticZoneFiles:{i}: the path is empty.");
            }
            else if (!File.Exists(StaticZoneFiles[i]))
            {
                errors.Add($"{SectionName}:StaticZoneFiles:{i}: file '{StaticZoneFiles[i]}' does not exist.");
            }
        }

        Check(errors, Timeout > TimeSpan.Zero && Timeout <= TimeSpan.FromMinutes(1), "Timeout", "must be more than 0 and at most 1 minute");
        Check(errors, Retries is >= 0 and <= 10, "Retries", "must be 0 to 10");
        Check(errors, CacheMaxEntries >= 1, "CacheMaxEntries", "must be at least 1");
        Check(errors, MaxTtl >= TimeSpan.Zero, "MaxTtl", "must not be negative");
        Check(errors, NegativeTtl >= TimeSpan.Zero, "NegativeTtl", "must not be negative");
        Check(errors, MaxNegativeTtl >= TimeSpan.Zero, "MaxNegativeTtl", "must not be negative");
        Check(errors, FailureTtl >= TimeSpan.Zero && FailureTtl <= TimeSpan.FromMinutes(1), "FailureTtl", "must be 0 to 1 minute");
        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem <see cref="Validate"/> finds.</summary>
    internal void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid DNS options: " + string.Join(" ", errors));
        }
    }

    /// <summary>Parses <c>host:port</c>, <c>[v6]:port</c>, or a bare address (port 53).</summary>
    internal static bool TryParseServer(string? text, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (string.IsNullOrWhiteSpace(text) || !IPEndPoint.TryParse(text.Trim(), out var parsed))
        {
            return false;
        }

        endPoint = parsed.Port == 0 ? new IPEndPoint(parsed.Address, 53) : parsed;
        return true;
    }

    internal IReadOnlyList<IPEndPoint> GetServerEndPoints()
        => [.. Servers.Select(s => TryParseServer(s, out var ep) ? ep : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Bad DNS server '{s}'.")))];

    private static void Check(List<string> errors, bool ok, string key, string message)
    {
        if (!ok)
        {
            errors.Add($"{SectionName}:{key}: {message}.");
        }
    }
}
