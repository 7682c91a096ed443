using System.Text;
using MtaKit.Messages;
using MtaKit.Server;

namespace MtaKit.Core.Tests.Server;

public sealed class DataDecoderTests
{
    private static (bool Ended, int Consumed, string Message, DataDecoder Decoder) Decode(string input, long maxSize = 1 << 20, int chunk = int.MaxValue)
    {
        using var buffer = new MessageBuffer(1 << 20, Path.GetTempPath());
        var decoder = new DataDecoder(buffer, maxSize);
        var bytes = Encoding.ASCII.GetBytes(input);
        var total = 0;
        var ended = false;
        for (var i = 0; i < bytes.Length && !ended; i += chunk)
        {
            var part = bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i));
            ended = decoder.Decode(part, out var consumed);
            total += consumed;
        }

        using var s = buffer.OpenRead();
        using var copy = new MemoryStream();
        s.CopyTo(copy);
        return (ended, total, Encoding.ASCII.GetString(copy.ToArray()), decoder);
    }

    [Theory]
    [InlineData(".\r\n", "")]
    [InlineData("a\r\n.\r\n", "a\r\n")]
    [InlineData("..\r\n.\r\n", ".\r\n")]
    [InlineData("..a\r\n.b\r\n.\r\n", ".a\r\nb\r\n")]
    [InlineData("a.\r\n.\r\n", "a.\r\n")]
    [InlineData("\r\n\r\n.\r\n", "\r\n\r\n")]
    public void Decode_ValidData_EndsAndUnstuffs(string input, string expected)
    {
        foreach (var chunk in new[] { int.MaxValue, 1, 2, 3 })
        {
            var r = Decode(input, chunk: chunk);
            Assert.True(r.Ended);
            Assert.Equal(input.Length, r.Consumed);
            Assert.Equal(expected, r.Message);
            Assert.False(r.Decoder.SawBareLineEnding);
        }
    }

    [Fact]
    public void Decode_BytesAfterEnd_NotConsumed()
    {
        var r = Decode("x\r\n.\r\nQUIT\r\n");
        Assert.True(r.Ended);
        Assert.Equal(6, r.Consumed);
    }

    [Theory]
    [InlineData("a\n.\nb")]
    [InlineData("a\r.\rb")]
    [InlineData("a\n.\r\nb")]
    [InlineData("a\r\n.\nb")]
    [InlineData("a\r.\r\nb")]
    [InlineData("a\r\n.\rb")]
    [InlineData("\n.\r\n")]
    [InlineData("a\r\r\n.\r\r\n")]
    public void Decode_BareSequences_NeverEnd(string input)
    {
        foreach (var chunk in new[] { int.MaxValue, 1 })
        {
            var r = Decode(input, chunk: chunk);
            Assert.False(r.Ended);
            Assert.True(r.Decoder.SawBareLineEnding);
            var rest = r.Message.Replace("\r\n", "", StringComparison.Ordinal);
            Assert.DoesNotContain('\r', rest);
            Assert.DoesNotContain('\n', rest);
        }
    }

    [Fact]
    public void Decode_BareLfThenRealEnd_EndsWithCrLfStored()
    {
        var r = Decode("a\nb\r\n.\r\n");
        Assert.True(r.Ended);
        Assert.True(r.Decoder.SawBareLineEnding);
        Assert.Equal("a\r\nb\r\n", r.Message);
    }

    [Fact]
    public void Decode_OverMaxSize_OverflowAndKeepsReadingToEnd()
    {
        var r = Decode(new string('x', 50) + "\r\n" + new string('y', 50) + "\r\n.\r\n", maxSize: 60);
        Assert.True(r.Ended);
        Assert.True(r.Decoder.Overflow);
        Assert.Equal(104, r.Decoder.Size);
    }
}
