namespace MtaKit.Queueing;

// The stored message bytes, streamed back exactly as written.
internal sealed class SpoolFileContent(ISpoolFileSystem fileSystem, string path, long length) : IMessageContent
{
    public long Length { get; } = length;

    public Stream OpenRead() => fileSystem.OpenRead(path);
}
