using System.Text;

namespace MtaKit.Scanning.Tests.Support;

/// <summary>An in-memory message for tests.</summary>
internal sealed class BytesContent(byte[] bytes) : IMessageContent
{
    public long Length => bytes.Length;

    public Stream OpenRead() => new MemoryStream(bytes, writable: false);

    public static BytesContent FromText(string text) => new(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n")));
}
