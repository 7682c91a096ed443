using System.Net;
using System.Net.Sockets;

namespace MtaKit.Scanning.Tests.Connections;

public sealed class ScannerAddressTests
{
    [Theory]
    [InlineData("10.0.0.5:3310", "10.0.0.5:3310")]
    [InlineData("10.0.0.5", "10.0.0.5:3310")]
    [InlineData("[::1]:783", "[::1]:783")]
    [InlineData("tcp://127.0.0.1:17830", "127.0.0.1:17830")]
    [InlineData("http://127.0.0.1:11333", "127.0.0.1:11333")]
    [InlineData("http://127.0.0.1", "127.0.0.1:3310")]
    public void TryParse_IpAddresses_GivesIpEndPoint(string address, string expected)
    {
        Assert.True(ScannerAddress.TryParse(address, 3310, out var endPoint, out _));
        Assert.Equal(expected, Assert.IsType<IPEndPoint>(endPoint).ToString());
    }

    [Fact]
    public void TryParse_HostName_GivesDnsEndPoint()
    {
        Assert.True(ScannerAddress.TryParse("clamd.example.test:3310", 1, out var endPoint, out _));
        var dns = Assert.IsType<DnsEndPoint>(endPoint);
        Assert.Equal(("clamd.example.test", 3310), (dns.Host, dns.Port));
    }

    [Fact]
    public void TryParse_Unix_GivesUnixEndPoint()
    {
        Assert.True(ScannerAddress.TryParse("unix:/run/clamav/clamd.ctl", 1, out var endPoint, out _));
        Assert.Equal("/run/clamav/clamd.ctl", Assert.IsType<UnixDomainSocketEndPoint>(endPoint).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("host:notaport")]
    [InlineData("host:70000")]
    [InlineData("unix:relative/path")]
    public void TryParse_Invalid_GivesError(string address)
    {
        Assert.False(ScannerAddress.TryParse(address, 1, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
