using MimeKit;

namespace MtaKit;

/// <summary>Ready-made <see cref="IMessageContent"/> implementations.</summary>
public static class MessageContent
{
    /// <summary>A message held in a byte array (CRLF line endings expected).</summary>
    public static IMessageContent FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return new BytesContent(bytes);
    }

    /// <summary>A MimeKit message, serialised once with CRLF line endings.</summary>
    public static IMessageContent FromMimeMessage(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var stream = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream);
        return new BytesContent(stream.ToArray());
    }

    private sealed class BytesContent(byte[] bytes) : IMessageContent
    {
        public long Length => bytes.Length;

        public Stream OpenRead() => new MemoryStream(bytes, writable: false);
    }
}
