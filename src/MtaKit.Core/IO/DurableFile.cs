using System.Runtime.InteropServices;

namespace MtaKit.IO;

/// <summary>
/// fsync for files and directories. A rename is durable only after the directory holding it is
/// fsynced; .NET has no API for that, so on Unix the directory is opened and fsynced through libc.
/// </summary>
public static partial class DurableFile
{
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000; // Linux x86-64/arm64 value

    /// <summary>Flushes a directory's entries to disk (no-op on Windows, where NTFS journals renames).</summary>
    /// <exception cref="IOException">The directory could not be opened or flushed.</exception>
    public static void FlushDirectory(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(path, ORdOnly | (OperatingSystem.IsLinux() ? ODirectory : 0));
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{path}' to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{path}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="finalPath"/> durably: a temp file in
    /// <paramref name="tempDirectory"/>, fsync, rename into place, fsync of the target directory.
    /// When this returns, the file survives a power loss.
    /// </summary>
    public static async Task WriteAsync(string tempDirectory, string finalPath, Func<Stream, CancellationToken, Task> content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var temp = Path.Combine(tempDirectory, Path.GetFileName(finalPath));
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await content(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, finalPath);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        FlushDirectory(Path.GetDirectoryName(finalPath)!);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
