using System.Text;
using BenchmarkDotNet.Attributes;
using MtaKit.Protocol;

namespace MtaKit.Benchmarks;

/// <summary>The command parser on typical lines: it must allocate nothing per command.</summary>
[MemoryDiagnoser]
public class CommandParsingBenchmarks
{
    private readonly byte[][] _lines =
    [
        .. new[] { "EHLO client.example.com", "MAIL FROM:<alice@example.com> SIZE=5120 BODY=8BITMIME", "RCPT TO:<bob@example.net>", "DATA", "RSET", "NOOP", "QUIT", "BDAT 65536 LAST" }
            .Select(Encoding.ASCII.GetBytes),
    ];

    [Benchmark(Description = "ParseVerb x8 (EHLO..QUIT)")]
    public int ParseVerbs()
    {
        var sum = 0;
        foreach (var line in _lines)
        {
            sum += (int)SmtpCommandParser.ParseVerb(line, out var argument) + argument.Length;
        }

        return sum;
    }

    [Benchmark(Description = "BDAT argument")]
    public long ParseBdat()
    {
        SmtpCommandParser.TryParseBdat("65536 LAST"u8, out var size, out var last);
        return last ? size : -size;
    }
}
