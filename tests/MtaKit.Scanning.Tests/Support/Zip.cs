using System.IO.Compression;

namespace MtaKit.Scanning.Tests.Support;

/// <summary>Builds zip archives for tests.</summary>
internal static class Zip
{
    public static byte[] Create(params (string Name, byte[] Content)[] entries)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                stream.Write(content);
            }
        }

        return output.ToArray();
    }

    /// <summary>Marks every entry encrypted (general purpose bit 0 in the local and central headers), as a password-protected zip has it.</summary>
    public static byte[] MarkEncrypted(byte[] zip)
    {
        var bytes = (byte[])zip.Clone();
        for (var i = 0; i + 10 < bytes.Length; i++)
        {
            if (bytes[i] == 'P' && bytes[i + 1] == 'K' && bytes[i + 2] == 3 && bytes[i + 3] == 4)
            {
                bytes[i + 6] |= 1;
            }
            else if (bytes[i] == 'P' && bytes[i + 1] == 'K' && bytes[i + 2] == 1 && bytes[i + 3] == 2)
            {
                bytes[i + 8] |= 1;
            }
        }

        return bytes;
    }
}
