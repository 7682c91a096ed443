using System.Net;

namespace MtaKit.Core.Tests.Hints;

public sealed class ClientNetworkTests
{
    [Theory]
    [InlineData("192.0.2.77", 32, 64, "192.0.2.77/32")]
    [InlineData("192.0.2.77", 24, 64, "192.0.2.0/24")]
    [InlineData("192.0.2.77", 20, 64, "192.0.0.0/20")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 24, 64, "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 24, 48, "2001:db8:1::/48")]
    [InlineData("::ffff:192.0.2.77", 24, 64, "192.0.2.0/24")]
    public void Key_CutsAddressToPrefix(string address, int v4, int v6, string expected)
        => Assert.Equal(expected, typeof(IHintsStore).Assembly.GetType("MtaKit.ClientNetwork")!
            .GetMethod("Key")!.Invoke(null, [IPAddress.Parse(address), v4, v6]));
}
