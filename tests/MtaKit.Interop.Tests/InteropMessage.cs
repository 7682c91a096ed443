using System.Text;

namespace MtaKit.Interop.Tests;

/// <summary>The message every interop chain carries, and the comparison that ignores trace headers.</summary>
internal static class InteropMessage
{
    /// <summary>
    /// A message with the things that break careless relays: lines that start with dots (including a
    /// lone "." line inside the body, which must be dot-stuffed on the wire), a 990-byte line, 8-bit
    /// UTF-8, tabs and trailing spaces, a folded header, and a body that does not end in an empty line.
    /// </summary>
    public static byte[] Create(string from, string to, string tag)
    {
        var sb = new StringBuilder();
        sb.Append("Date: Sun, 29 Nov 2026 12:00:00 +0000\r\n");
        sb.Append("Message-ID: <").Append(tag).Append("@interop.test>\r\n");
        sb.Append("From: Sender <").Append(from).Append(">\r\n");
        sb.Append("To: <").Append(to).Append(">\r\n");
        sb.Append("Subject: interop ").Append(tag).Append("\r\n\t folded subject line\r\n");
        sb.Append("MIME-Version: 1.0\r\n");
        sb.Append("Content-Type: text/plain; charset=utf-8\r\n");
        sb.Append("Content-Transfer-Encoding: 8bit\r\n");
        sb.Append("\r\n");
        sb.Append(".\r\n");
        sb.Append("..\r\n");
        sb.Append(".leading dot\r\n");
        sb.Append("trailing spaces   \r\n");
        sb.Append("\ttab first\r\n");
        sb.Append("Grüße aus Köln — ünïcödé\r\n");
        sb.Append('x', 990).Append("\r\n");
        for (var i = 0; i < 2000; i++)
        {
            sb.Append("line ").Append(i).Append(" of a body long enough to cross buffer boundaries\r\n");
        }

        sb.Append(". \r\n");
        sb.Append("last line");
        sb.Append("\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Writes <paramref name="message"/> for swaks' --data: without its last CRLF, which swaks always adds before the final dot.</summary>
    public static Task WriteForSwaksAsync(string path, byte[] message) => File.WriteAllBytesAsync(path, message[..^2]);

    /// <summary>Removes the Received: fields (with their folded lines) at the top of a message.</summary>
    public static byte[] StripReceived(byte[] message)
    {
        var pos = 0;
        while (StartsWithIgnoreCase(message, pos, "Received:"))
        {
            pos = NextLine(message, pos);
            while (pos < message.Length && (message[pos] == ' ' || message[pos] == '\t'))
            {
                pos = NextLine(message, pos);
            }
        }

        return message[pos..];
    }

    /// <summary>Asserts two messages are byte-identical, with a readable first difference.</summary>
    public static void AssertIdentical(byte[] expected, byte[] actual)
    {
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }

        var i = expected.AsSpan().CommonPrefixLength(actual);
        string Around(byte[] b) => Encoding.UTF8.GetString(b, Math.Max(0, i - 60), Math.Min(b.Length, i + 60) - Math.Max(0, i - 60)).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        Assert.Fail($"messages differ at byte {i} (lengths {expected.Length} and {actual.Length}):\nexpected …{Around(expected)}…\nactual   …{Around(actual)}…");
    }

    private static bool StartsWithIgnoreCase(byte[] b, int pos, string prefix)
        => b.Length - pos >= prefix.Length && Encoding.ASCII.GetString(b, pos, prefix.Length).Equals(prefix, StringComparison.OrdinalIgnoreCase);

    private static int NextLine(byte[] b, int pos)
    {
        var lf = Array.IndexOf(b, (byte)'\n', pos);
        return lf < 0 ? b.Length : lf + 1;
    }
}
