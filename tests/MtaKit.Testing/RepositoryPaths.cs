namespace MtaKit.Testing;

/// <summary>Finds files of this repository from a test's output directory.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root: the nearest directory above the test binaries holding MtaKit.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The full path of <paramref name="relativePath"/> (forward slashes) under the repository root.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static string File(string relativePath)
    {
        var path = Path.Combine(Root, relativePath);
        return System.IO.File.Exists(path) ? path : throw new FileNotFoundException(relativePath + " not found under " + Root, path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "MtaKit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("MtaKit.sln not found above " + AppContext.BaseDirectory);
    }
}
