namespace MtaKit.Queueing;

/// <summary>Options of <see cref="FileMessageSpool"/>.</summary>
public sealed record FileMessageSpoolOptions
{
    /// <summary>The spool's root directory. Must be on one file system (renames are atomic only within one).</summary>
    public required string Path { get; init; }

    /// <summary>
    /// How many subdirectories retried entries are spread over (by a hash of the queue id), so that no
    /// directory grows past what the file system handles quickly; new entries wait in one
    /// <c>incoming</c> directory until their first retry. 1 to 256. Do not change it for an existing
    /// spool: recovery sets entries found in the wrong directory aside in <c>corrupt/</c>.
    /// </summary>
    /// <value>The default value is 16.</value>
    public int DirectoryCount { get; init; } = 16;

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException("FileMessageSpoolOptions.Path must name the spool directory.", nameof(Path));
        }

        if (DirectoryCount is < 1 or > 256)
        {
            throw new ArgumentException($"FileMessageSpoolOptions.DirectoryCount must be 1 to 256, not {DirectoryCount}.", nameof(DirectoryCount));
        }
    }
}
