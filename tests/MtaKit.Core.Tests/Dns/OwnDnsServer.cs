using MtaKit.Testing;

namespace MtaKit.Core.Tests.Dns;

/// <summary>
/// A private dnsmasq with extra data (<see cref="ExtraConf"/>), so the shared instance is never restarted; stopped when
/// the test class ends. Needs the services environment (DNS_PORT set, as .ci/run does); otherwise the tests skip.
/// </summary>
public sealed class OwnDnsServer : PrivateDnsFixture
{
    /// <summary>
    /// TTL 60 for local data (dnsmasq serves 0 otherwise), timeout.test forwarded to a port nothing answers on,
    /// and big.test: six 250-octet TXT records, more than dnsmasq's UDP limit (1232), so it comes truncated over UDP.
    /// </summary>
    public const string Conf = """
        local-ttl=60
        server=/timeout.test/127.0.0.1#9
        host-record=cached.test,192.0.2.77
        txt-record=cached.test,"cached text"
        txt-record=big.test,"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        txt-record=big.test,"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
        txt-record=big.test,"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
        txt-record=big.test,"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
        txt-record=big.test,"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
        txt-record=big.test,"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
        """;

    /// <inheritdoc/>
    protected override string ExtraConf => Conf;

    /// <summary>Resolver options for this server only (500 ms, no retry); skips (locally) or fails (CI) when it is not available.</summary>
    public DnsOptions Require()
    {
        var options = new DnsOptions { Timeout = TimeSpan.FromMilliseconds(500), Retries = 0 };
        options.Servers.Add(RequireServer().Server);
        return options;
    }
}
