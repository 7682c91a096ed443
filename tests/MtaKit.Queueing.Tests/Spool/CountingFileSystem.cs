namespace MtaKit.Queueing.Tests.Spool;

// Wraps the real file system and counts fsyncs.
internal sealed class CountingFileSystem(ISpoolFileSystem inner) : ISpoolFileSystem
{
    private int fileFsyncs;
    private int directoryFsyncs;

    public int FileFsyncs => fileFsyncs;

    public int DirectoryFsyncs => directoryFsyncs;

    public Stream CreateFile(string path) => inner.CreateFile(path);

    public void FlushFile(Stream file)
    {
        Interlocked.Increment(ref fileFsyncs);
        inner.FlushFile(file);
    }

    public void FlushDirectory(string path)
    {
        Interlocked.Increment(ref directoryFsyncs);
        inner.FlushDirectory(path);
    }

    public Stream OpenRead(string path) => inner.OpenRead(path);

    public long GetFileLength(string path) => inner.GetFileLength(path);

    public void MoveFile(string source, string destination, bool overwrite) => inner.MoveFile(source, destination, overwrite);

    public void DeleteFile(string path) => inner.DeleteFile(path);

    public bool FileExists(string path) => inner.FileExists(path);

    public void CreateDirectory(string path) => inner.CreateDirectory(path);

    public IEnumerable<string> EnumerateFiles(string path) => inner.EnumerateFiles(path);
}
