namespace MtaKit.Queueing;

/// <summary>
/// The file operations the file spool needs, with the durability points explicit
/// (<see cref="FlushFile"/>, <see cref="FlushDirectory"/>) so tests can record their order and
/// other storage can be plugged in. Paths are absolute. Methods are synchronous because they map
/// one to one onto blocking system calls; the spool calls them off the request path's hot loop.
/// </summary>
public interface ISpoolFileSystem
{
    /// <summary>Creates a new file for writing; fails if it exists.</summary>
    /// <param name="path">The file to create.</param>
    Stream CreateFile(string path);

    /// <summary>Writes the file's buffered data and metadata to stable storage (fsync) before returning.</summary>
    /// <param name="file">A stream returned by <see cref="CreateFile"/>.</param>
    void FlushFile(Stream file);

    /// <summary>Makes the directory's entries (files created, renamed or deleted in it) durable (fsync of the directory).</summary>
    /// <param name="path">The directory.</param>
    void FlushDirectory(string path);

    /// <summary>Opens a file for reading, shared with other readers.</summary>
    /// <param name="path">The file.</param>
    Stream OpenRead(string path);

    /// <summary>Returns a file's length in bytes.</summary>
    /// <param name="path">The file.</param>
    long GetFileLength(string path);

    /// <summary>Renames a file atomically within one file system.</summary>
    /// <param name="source">The existing file.</param>
    /// <param name="destination">The new name.</param>
    /// <param name="overwrite">Whether to replace an existing destination atomically.</param>
    void MoveFile(string source, string destination, bool overwrite);

    /// <summary>Deletes a file if it exists.</summary>
    /// <param name="path">The file.</param>
    void DeleteFile(string path);

    /// <summary>Returns whether a file exists.</summary>
    /// <param name="path">The file.</param>
    bool FileExists(string path);

    /// <summary>Creates a directory (and its parents) if missing.</summary>
    /// <param name="path">The directory.</param>
    void CreateDirectory(string path);

    /// <summary>Lists the files (full paths) directly inside a directory.</summary>
    /// <param name="path">The directory.</param>
    IEnumerable<string> EnumerateFiles(string path);
}
