using MtaKit.Testing;

namespace MtaKit.Core.Tests.Policy.Dkim;

/// <summary>
/// A private dnsmasq publishing the DKIM keys of TestData/Dkim/keys.zone, with <c>timeout.test</c> forwarded to a port
/// nobody answers on; stopped when the class ends. Besides the keys it serves start-dns.sh's default data
/// (<c>_dmarc.example.test</c> p=reject, SPF of example.test).
/// </summary>
public sealed class DkimDnsServer : PrivateDnsFixture
{
    /// <inheritdoc/>
    // keys.zone lines: name TXT "string" "string" ... -> dnsmasq txt-record=name,"string","string"
    protected override string ExtraConf => string.Join('\n', DkimTestData.ZoneText.Split('\n')
        .Where(l => l.Contains(" TXT ", StringComparison.Ordinal))
        .Select(l => "txt-record=" + l[..l.IndexOf(' ', StringComparison.Ordinal)] + "," + l[l.IndexOf('"', StringComparison.Ordinal)..].Trim().Replace("\" \"", "\",\"", StringComparison.Ordinal))
        .Append("server=/timeout.test/127.0.0.1#9"));

    /// <summary>A resolver over this server only (500 ms, no retry); skips (locally) or fails (CI) without the services.</summary>
    public DnsResolver CreateResolver()
    {
        var options = new DnsOptions { Timeout = TimeSpan.FromMilliseconds(500), Retries = 0 };
        options.Servers.Add(RequireServer().Server);
        return new DnsResolver(options);
    }
}
