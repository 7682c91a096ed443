using System.Text;

namespace MtaKit.Scanning.Tests.Connections;

/// <summary>Whatever a daemon (or something pretending to be one) sends, the parsers return a result and never throw.</summary>
public sealed class ReplyParserRobustnessTests
{
    private static readonly IReadOnlySet<string> SpamActions = new HashSet<string> { "reject" };

    public static TheoryData<int> Seeds => [1, 2, 3];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Parsers_RandomAndMutatedReplies_ReturnResults(int seed)
    {
        var random = new Random(seed);
        string[] seeds =
        [
            "stream: Eicar-Test-Signature.UNOFFICIAL FOUND\0",
            "SPAMD/1.1 0 EX_OK\r\nContent-length: 27\r\nSpam: True ; 1000.0 / 5.0\r\n\r\nGTUBE,NO_RECEIVED,NO_RELAYS",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffff\r\n{}\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n{\"score\":1,\"required_score\":15,\"action\":\"no action\",\"milter\":{\"add_headers\":{\"X\":[1,{\"value\":2}]}}}",
        ];

        for (var i = 0; i < 2000; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(seeds[random.Next(seeds.Length)]);
            for (var m = random.Next(1, 6); m > 0; m--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            if (random.Next(4) == 0)
            {
                bytes = bytes[..random.Next(bytes.Length)];
            }

            Assert.NotNull(ClamdReplyParser.Parse(Encoding.ASCII.GetString(bytes), "c", TimeSpan.Zero));
            Assert.NotNull(SpamdReplyParser.Parse(bytes, (SpamdCommand)random.Next(4), "s", TimeSpan.Zero));
            Assert.NotNull(RspamdReplyParser.ParseHttp(bytes, SpamActions, "r", TimeSpan.Zero));
        }
    }
}
