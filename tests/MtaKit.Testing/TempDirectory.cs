namespace MtaKit.Testing;

/// <summary>A temp directory deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates it.</summary>
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mtakit-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The full path.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
