namespace MtaKit.Queueing;

// The stored message bytes, streamed back exactly as written: a whole .msg file (formats 1 and 2), or
// a queue file's bytes after its envelope (format 3).
internal sealed class SpoolFileContent(ISpoolFileSystem fileSystem, string path, long offset, long length) : IMessageContent
{
    public long Length { get; } = length;

    public Stream OpenRead()
    {
        var stream = fileSystem.OpenRead(path);
        return offset == 0 ? stream : new SpoolContentStream(stream, offset, Length);
    }
}
