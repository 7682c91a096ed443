using System.Buffers;
using System.Net;
using System.Text;
using MtaKit.Server;

namespace MtaKit.Core.Tests.Server;

public sealed class ProxyProtocolParserTests
{
    private static ProxyParseStatus Parse(byte[] input, out int consumed, out IPEndPoint? source, out IPEndPoint? destination)
        => ProxyProtocolParser.TryParse(new ReadOnlySequence<byte>(input), out consumed, out source, out destination, out _);

    private static ReadOnlySequence<byte> Segmented(byte[] input, int size)
    {
        Segment? first = null, last = null;
        for (var i = 0; i < input.Length; i += size)
        {
            var s = new Segment(input.AsMemory(i, Math.Min(size, input.Length - i)));
            if (first is null)
            {
                first = last = s;
            }
            else
            {
                last = last!.Append(s);
            }
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    [Fact]
    public void V1_Tcp4_Proxied()
    {
        var input = Encoding.ASCII.GetBytes("PROXY TCP4 203.0.113.7 192.0.2.1 51234 25\r\nEHLO");
        Assert.Equal(ProxyParseStatus.Proxied, Parse(input, out var consumed, out var src, out var dst));
        Assert.Equal(input.Length - 4, consumed);
        Assert.Equal(IPEndPoint.Parse("203.0.113.7:51234"), src);
        Assert.Equal(IPEndPoint.Parse("192.0.2.1:25"), dst);
    }

    [Fact]
    public void V1_Tcp6_Proxied()
    {
        Assert.Equal(ProxyParseStatus.Proxied, Parse(Encoding.ASCII.GetBytes("PROXY TCP6 2001:db8::7 2001:db8::1 65535 0\r\n"), out _, out var src, out var dst));
        Assert.Equal(IPEndPoint.Parse("[2001:db8::7]:65535"), src);
        Assert.Equal(0, dst!.Port);
    }

    [Fact]
    public void V1_Unknown_Local()
        => Assert.Equal(ProxyParseStatus.Local, Parse(Encoding.ASCII.GetBytes("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n"), out var consumed, out _, out _));

    [Theory]
    [InlineData("P")]
    [InlineData("PROXY ")]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 51234 25")]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 51234 25\r")]
    public void V1_Truncated_NeedMoreData(string text)
        => Assert.Equal(ProxyParseStatus.NeedMoreData, Parse(Encoding.ASCII.GetBytes(text), out _, out _, out _));

    [Theory]
    [InlineData("GET / HTTP/1.0\r\n")]
    [InlineData("EHLO x\r\n")]
    [InlineData("PROXY TCP5 203.0.113.7 192.0.2.1 1 2\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 1\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 65536 2\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 -1 2\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 01 2\r\n")]
    [InlineData("PROXY TCP4 2001:db8::1 192.0.2.1 1 2\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7  192.0.2.1 1 2\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 1 2\n")]
    public void V1_Garbage_Invalid(string text)
        => Assert.Equal(ProxyParseStatus.Invalid, Parse(Encoding.ASCII.GetBytes(text), out _, out _, out _));

    [Fact]
    public void V1_TooLongWithoutLf_Invalid()
        => Assert.Equal(ProxyParseStatus.Invalid, Parse(Encoding.ASCII.GetBytes("PROXY TCP4 " + new string('1', 120)), out _, out _, out _));

    [Fact]
    public void V2_Ipv4_ProxiedInAnySegmentation()
    {
        var header = ProxyProtocolTests.V2Tcp(IPAddress.Parse("198.51.100.4"), 40000, IPAddress.Parse("192.0.2.1"), 25, tlvs: [0x01, 0x00, 0x02, 0x68, 0x32]);
        byte[] input = [.. header, .. "EHLO"u8];
        foreach (var size in new[] { 1, 3, 16, input.Length })
        {
            Assert.Equal(ProxyParseStatus.Proxied, ProxyProtocolParser.TryParse(Segmented(input, size), out var consumed, out var src, out var dst, out _));
            Assert.Equal(header.Length, consumed);
            Assert.Equal(IPEndPoint.Parse("198.51.100.4:40000"), src);
            Assert.Equal(IPEndPoint.Parse("192.0.2.1:25"), dst);
        }
    }

    [Fact]
    public void V2_Ipv6_Proxied()
    {
        var header = ProxyProtocolTests.V2Tcp(IPAddress.Parse("2001:db8::7"), 1, IPAddress.Parse("2001:db8::1"), 2);
        Assert.Equal(ProxyParseStatus.Proxied, Parse(header, out var consumed, out var src, out _));
        Assert.Equal(52, consumed);
        Assert.Equal(IPEndPoint.Parse("[2001:db8::7]:1"), src);
    }

    [Fact]
    public void V2_Local_ConsumedWithoutAddresses()
    {
        var header = ProxyProtocolTests.V2(0, 0x11, new byte[12]);
        Assert.Equal(ProxyParseStatus.Local, Parse(header, out var consumed, out var src, out _));
        Assert.Equal(28, consumed);
        Assert.Null(src);
    }

    [Fact]
    public void V2_Truncated_NeedMoreData()
    {
        var header = ProxyProtocolTests.V2Tcp(IPAddress.Parse("198.51.100.4"), 40000, IPAddress.Parse("192.0.2.1"), 25);
        foreach (var length in new[] { 1, 5, 12, 15, 16, 27 })
        {
            Assert.Equal(ProxyParseStatus.NeedMoreData, Parse(header[..length], out _, out _, out _));
        }
    }

    [Theory]
    [InlineData(12, 0x10)] // version 1
    [InlineData(12, 0x22)] // command 2
    [InlineData(13, 0x31)] // UDP over IPv4
    [InlineData(3, 0x0B)] // signature
    public void V2_Garbage_Invalid(int index, byte value)
    {
        var header = ProxyProtocolTests.V2Tcp(IPAddress.Parse("198.51.100.4"), 40000, IPAddress.Parse("192.0.2.1"), 25);
        header[index] = value;
        Assert.Equal(ProxyParseStatus.Invalid, Parse(header, out _, out _, out _));
    }

    [Fact]
    public void V2_ShortAddressBlock_Invalid()
        => Assert.Equal(ProxyParseStatus.Invalid, Parse(ProxyProtocolTests.V2(1, 0x11, new byte[8]), out _, out _, out _));

    [Fact]
    public void V2_HugeLength_Invalid()
    {
        var header = ProxyProtocolTests.V2(1, 0x11, new byte[12]);
        header[14] = 0xFF;
        Assert.Equal(ProxyParseStatus.Invalid, Parse(header, out _, out _, out _));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
            return next;
        }
    }
}
