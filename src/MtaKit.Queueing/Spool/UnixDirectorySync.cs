using System.ComponentModel;
using System.Runtime.InteropServices;

namespace MtaKit.Queueing;

// .NET cannot open a directory as a file handle on Unix (File.OpenHandle refuses directories), so
// fsync of a directory goes through libc: open(O_RDONLY | O_DIRECTORY), fsync, close.
internal static partial class UnixDirectorySync
{
    private const int ORdOnly = 0;
    private const int OCloExec = 0x80000;

    public static void Fsync(string path)
    {
        var flags = ORdOnly | OCloExec | (OperatingSystem.IsMacOS() ? 0x100000 : 0x10000); // O_DIRECTORY
        var fd = Open(path, flags);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"open('{path}') for directory fsync failed: {new Win32Exception(errno).Message}", errno);
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"fsync('{path}') failed: {new Win32Exception(errno).Message}", errno);
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
