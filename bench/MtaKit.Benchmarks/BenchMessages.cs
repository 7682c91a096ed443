using System.Text;

namespace MtaKit.Benchmarks;

/// <summary>Test messages shared by the benchmarks: a short header and lines of text, every tenth one starting with a dot.</summary>
internal static class BenchMessages
{
    /// <summary>A CRLF message of at least <paramref name="size"/> bytes; every tenth line is <paramref name="dotLine"/>.</summary>
    public static StringBuilder Build(int size, string dotLine)
    {
        var sb = new StringBuilder("From: a@example.com\r\nTo: b@example.net\r\nSubject: benchmark\r\n\r\n");
        var i = 0;
        while (sb.Length < size)
        {
            sb.Append(i++ % 10 == 0 ? dotLine : "The quick brown fox jumps over the lazy dog 0123456789 abcdefghij\r\n");
        }

        return sb;
    }
}
