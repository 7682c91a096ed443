using System.Text;

namespace MtaKit;

/// <summary>
/// The users file of a submission server: one user per line, <c>&lt;user&gt; &lt;hash&gt;</c> where the hash is a
/// <see cref="PasswordHash"/> stored form; blank lines and lines starting with <c>#</c> are ignored. User names
/// (usually addresses) compare case-insensitively.
/// </summary>
public sealed class UsersFile
{
    private readonly Dictionary<string, string> _users;

    private UsersFile(Dictionary<string, string> users) => _users = users;

    /// <summary>The number of users.</summary>
    public int Count => _users.Count;

    /// <summary>Parses the text of a users file; malformed lines are reported in <paramref name="errors"/> and skipped.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="errors">Receives one line per malformed line.</param>
    public static UsersFile Parse(string text, ICollection<string>? errors = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var users = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !PasswordHash.IsWellFormed(parts[1]))
            {
                errors?.Add($"line {number}: expected '<user> <pbkdf2 hash>'");
                continue;
            }

            users[parts[0]] = parts[1];
        }

        return new UsersFile(users);
    }

    /// <summary>Reads a users file (a missing file has no users).</summary>
    /// <param name="path">The file.</param>
    /// <param name="errors">Receives one line per malformed line.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<UsersFile> LoadAsync(string path, ICollection<string>? errors = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return File.Exists(path) ? Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), errors) : Parse(string.Empty);
    }

    /// <summary>
    /// Adds a user or replaces its password in the file at <paramref name="path"/> (created if missing): the new file
    /// is written beside it, flushed to disk and renamed over the old one, so readers see the old or the new file, never half of one.
    /// Other lines (comments included) are kept.
    /// </summary>
    /// <param name="path">The users file.</param>
    /// <param name="userName">The user (no white space).</param>
    /// <param name="password">The password (hashed here with <see cref="PasswordHash.Create(string)"/>).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static Task SetUserAsync(string path, string userName, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        return SetUserHashAsync(path, userName, PasswordHash.Create(password), cancellationToken);
    }

    /// <summary>Returns whether <paramref name="password"/> is right for <paramref name="userName"/> (an unknown user costs the same time as a wrong password).</summary>
    /// <param name="userName">The user.</param>
    /// <param name="password">The password.</param>
    public bool Verify(string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        if (_users.TryGetValue(userName, out var stored))
        {
            return PasswordHash.Verify(password, stored);
        }

        PasswordHash.VerifyDummy(password);
        return false;
    }

    /// <summary>Returns whether the file has <paramref name="userName"/>.</summary>
    /// <param name="userName">The user.</param>
    public bool Contains(string userName) => _users.ContainsKey(userName);

    internal static async Task SetUserHashAsync(string path, string userName, string hash, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(userName);
        if (userName.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || userName[0] == '#')
        {
            throw new ArgumentException("A user name must not contain white space or control characters, nor start with '#'.", nameof(userName));
        }

        var full = Path.GetFullPath(path);
        var lines = File.Exists(full) ? await File.ReadAllLinesAsync(full, cancellationToken).ConfigureAwait(false) : [];
        var output = new StringBuilder();
        var replaced = false;
        foreach (var line in lines)
        {
            var parts = line.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && parts[0][0] != '#' && parts[0].Equals(userName, StringComparison.OrdinalIgnoreCase))
            {
                if (!replaced)
                {
                    output.Append(userName).Append(' ').Append(hash).Append('\n');
                    replaced = true;
                }

                continue;
            }

            output.Append(line).Append('\n');
        }

        if (!replaced)
        {
            output.Append(userName).Append(' ').Append(hash).Append('\n');
        }

        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                var bytes = Encoding.UTF8.GetBytes(output.ToString());
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temp, full, overwrite: true);
            MtaKit.IO.DurableFile.FlushDirectory(directory);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
