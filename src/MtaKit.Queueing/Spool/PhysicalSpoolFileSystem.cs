namespace MtaKit.Queueing;

/// <summary>
/// The real file system: files are fsynced with <see cref="FileStream.Flush(bool)"/>, directories
/// with <c>open(O_DIRECTORY)</c> + <c>fsync</c> on Unix. On Windows directory entries are made
/// durable by NTFS's metadata journal and <see cref="FlushDirectory"/> does nothing.
/// </summary>
public sealed class PhysicalSpoolFileSystem : ISpoolFileSystem
{
    /// <summary>The shared instance.</summary>
    public static PhysicalSpoolFileSystem Instance { get; } = new();

    // Unbuffered (bufferSize 0): the spool writes and reads in large chunks of its own (pooled copy
    // buffers, the client's DATA chunks), and a FileStream buffer is a new array per stream: with 80 KB
    // buffers the tier allocated ~280 KB per message (a write, an envelope read and a content read).

    /// <inheritdoc/>
    public Stream CreateFile(string path)
        => new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);

    /// <inheritdoc/>
    public void FlushFile(Stream file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file is FileStream fs)
        {
            fs.Flush(flushToDisk: true);
        }
        else
        {
            throw new ArgumentException("The stream was not created by this file system.", nameof(file));
        }
    }

    /// <inheritdoc/>
    public void FlushDirectory(string path) => MtaKit.IO.DurableFile.FlushDirectory(path);

    /// <inheritdoc/>
    public Stream OpenRead(string path)
        => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <inheritdoc/>
    public long GetFileLength(string path) => new FileInfo(path).Length;

    /// <inheritdoc/>
    public void MoveFile(string source, string destination, bool overwrite) => File.Move(source, destination, overwrite);

    /// <inheritdoc/>
    public void DeleteFile(string path) => File.Delete(path);

    /// <inheritdoc/>
    public bool FileExists(string path) => File.Exists(path);

    /// <inheritdoc/>
    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    /// <inheritdoc/>
    public IEnumerable<string> EnumerateFiles(string path) => Directory.EnumerateFiles(path);
}
