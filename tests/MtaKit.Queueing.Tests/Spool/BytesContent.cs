namespace MtaKit.Queueing.Tests.Spool;

internal sealed class BytesContent(byte[] bytes) : IMessageContent
{
    public long Length => bytes.Length;

    public Stream OpenRead() => new MemoryStream(bytes, writable: false);
}
