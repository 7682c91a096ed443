using System.Text;

namespace MtaKit.Core.Tests.Client;

public sealed class DotStuffingEncoderTests
{
    private static string Encode(string input, int split = int.MaxValue)
    {
        var encoder = new DotStuffingEncoder();
        var bytes = Encoding.Latin1.GetBytes(input);
        var output = new byte[DotStuffingEncoder.MaxOutputLength(bytes.Length) + DotStuffingEncoder.MaxTerminatorLength];
        var o = 0;
        for (var i = 0; i < bytes.Length; i += split)
        {
            var part = bytes.AsSpan(i, Math.Min(split, bytes.Length - i));
            o += encoder.Encode(part, output.AsSpan(o));
        }

        o += encoder.Complete(output.AsSpan(o));
        return Encoding.Latin1.GetString(output, 0, o);
    }

    [Theory]
    [InlineData("", ".\r\n")]
    [InlineData("a\r\n", "a\r\n.\r\n")]
    [InlineData("a", "a\r\n.\r\n")]
    [InlineData(".\r\n", "..\r\n.\r\n")]
    [InlineData("a\r\n.b\r\n..c\r\n", "a\r\n..b\r\n...c\r\n.\r\n")]
    [InlineData("a.\r\n. \r\n", "a.\r\n.. \r\n.\r\n")]
    [InlineData("\r\n\r\n", "\r\n\r\n.\r\n")]
    public void Encode_CrlfInput_StuffsDotsAndTerminates(string input, string expected)
    {
        Assert.Equal(expected, Encode(input));
        Assert.Equal(expected, Encode(input, split: 1));
    }

    [Theory]
    [InlineData("a\n.\nb", "a\r\n..\r\nb\r\n.\r\n")]
    [InlineData("a\r.\rb", "a\r\n..\r\nb\r\n.\r\n")]
    [InlineData("a\r\n.\r", "a\r\n..\r\n.\r\n")]
    [InlineData("x\n.\r\n", "x\r\n..\r\n.\r\n")]
    [InlineData("x\r\n.\n", "x\r\n..\r\n.\r\n")]
    public void Encode_BareCrOrLf_NeverEmitsAnEndOfDataSequence(string input, string expected)
    {
        // SMTP smuggling: "\n.\n", "\r.\r", "\r\n.\n" must not reach the peer as a possible end of data.
        Assert.Equal(expected, Encode(input));
        Assert.Equal(expected, Encode(input, split: 1));
        Assert.Equal(expected, Encode(input, split: 2));
    }

    [Fact]
    public void Encode_EightBitBytes_PassUnchanged()
    {
        var input = "Subject: \u00e9t\u00e9\r\n\r\n\u00ff\u0080\u0000\r\n";
        Assert.Equal(input + ".\r\n", Encode(input));
    }
}
