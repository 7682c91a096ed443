using System.Text;
using BenchmarkDotNet.Attributes;
using MtaKit.Messages;
using MtaKit.Server;

namespace MtaKit.Benchmarks;

/// <summary>DATA streaming: dot-unstuffing and end detection into the message buffer.</summary>
[MemoryDiagnoser]
public class DataStreamingBenchmarks
{
    private byte[] _wire = [];

    [Params(5 * 1024, 100 * 1024, 1024 * 1024)]
    public int MessageSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var sb = BenchMessages.Build(MessageSize, "..a line that was dot-stuffed by the client\r\n");
        sb.Append(".\r\n");
        _wire = Encoding.ASCII.GetBytes(sb.ToString());
    }

    [Benchmark(Description = "DATA decode (64 KB reads)")]
    public long Decode()
    {
        using var buffer = new MessageBuffer(4 * 1024 * 1024, Path.GetTempPath());
        var decoder = new DataDecoder(buffer, long.MaxValue);
        var span = _wire.AsSpan();
        while (!span.IsEmpty)
        {
            var chunk = span[..Math.Min(65536, span.Length)];
            if (decoder.Decode(chunk, out var consumed))
            {
                break;
            }

            span = span[consumed..];
        }

        return buffer.Length;
    }
}
