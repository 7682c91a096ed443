using System.Text;
using BenchmarkDotNet.Attributes;

namespace MtaKit.Benchmarks;

/// <summary>Dot-stuffing on the way out (SMTP client DATA): a '.' at a line start doubled, bare CR/LF made CRLF.</summary>
[MemoryDiagnoser]
public class DotStuffingBenchmarks
{
    private byte[] _message = [];
    private byte[] _output = [];

    [Params(5 * 1024, 100 * 1024)]
    public int MessageSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _message = Encoding.ASCII.GetBytes(BenchMessages.Build(MessageSize, ".a line that starts with a dot\r\n").ToString());
        _output = new byte[DotStuffingEncoder.MaxOutputLength(16 * 1024) + DotStuffingEncoder.MaxTerminatorLength];
    }

    [Benchmark(Description = "encode in 16 KB chunks + terminator")]
    public int Encode()
    {
        var encoder = new DotStuffingEncoder();
        var total = 0;
        var span = _message.AsSpan();
        while (!span.IsEmpty)
        {
            var chunk = span[..Math.Min(16 * 1024, span.Length)];
            total += encoder.Encode(chunk, _output);
            span = span[chunk.Length..];
        }

        return total + encoder.Complete(_output);
    }
}
