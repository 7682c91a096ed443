using System.Text;
using BenchmarkDotNet.Attributes;
using MtaKit.Messages;

namespace MtaKit.Benchmarks;

/// <summary>
/// Header parsing of a received message (<c>DataContext.Headers</c>: MimeKit's HeaderList over the
/// message buffer), done once per message by the first stage that reads a header.
/// </summary>
[MemoryDiagnoser]
public class HeaderParsingBenchmarks
{
    private byte[] _message = [];

    [Params(8, 30)]
    public int HeaderCount { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < HeaderCount - 6; i++)
        {
            sb.Append("Received: from relay").Append(i).Append(".example.net (relay").Append(i).Append(".example.net [192.0.2.").Append(i % 250).Append("])\r\n\tby mx.example.com with ESMTPS id 4Xyz").Append(i).Append("; Sun, 29 Nov 2026 12:00:00 +0000\r\n");
        }

        sb.Append("From: Alice <alice@example.com>\r\nTo: Bob <bob@example.net>\r\nSubject: A benchmark message with a subject of typical length\r\n");
        sb.Append("Date: Sun, 29 Nov 2026 12:00:00 +0000\r\nMessage-ID: <1234567890.abcdef@example.com>\r\nMIME-Version: 1.0\r\n\r\n");
        while (sb.Length < 5 * 1024)
        {
            sb.Append("The quick brown fox jumps over the lazy dog 0123456789 abcdefghij\r\n");
        }

        _message = Encoding.ASCII.GetBytes(sb.ToString());
    }

    [Benchmark(Description = "parse the header section of a 5 KB message")]
    public int Parse()
    {
        using var buffer = new MessageBuffer(1024 * 1024, Path.GetTempPath());
        buffer.Write(_message);
        using var message = new ReceivedMessage(buffer);
        return message.Headers.Count;
    }
}
