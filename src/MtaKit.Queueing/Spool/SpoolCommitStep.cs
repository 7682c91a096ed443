namespace MtaKit.Queueing;

// A rename (Destination set) or a delete (Destination null) inside one spool directory.
internal readonly record struct SpoolCommitStep(string Path, string? Destination, bool Overwrite)
{
    public static SpoolCommitStep Move(string source, string destination, bool overwrite = false) => new(source, destination, overwrite);

    public static SpoolCommitStep Delete(string path) => new(path, null, false);
}
