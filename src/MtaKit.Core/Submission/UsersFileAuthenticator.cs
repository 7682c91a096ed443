using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// Checks AUTH credentials against a <see cref="UsersFile"/> (<c>MtaKit:Auth:UsersFile</c>). The file is read again
/// when its size or modification time changed since the last read (looked at on each attempt, a cheap stat), so
/// <c>user add</c> takes effect without a restart; a file that cannot be read keeps the previous users.
/// </summary>
public sealed class UsersFileAuthenticator : ISmtpAuthenticator
{
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly Lock _reload = new();
    private volatile Snapshot _snapshot = new(default, -1, UsersFile.Parse(string.Empty));

    /// <summary>Creates the authenticator; the file is read at the first attempt.</summary>
    /// <param name="path">The users file.</param>
    /// <param name="logger">The logger.</param>
    public UsersFileAuthenticator(string path, ILogger<UsersFileAuthenticator>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        _logger = logger ?? NullLogger<UsersFileAuthenticator>.Instance;
    }

    /// <summary>The users as last read.</summary>
    public UsersFile Users => Current();

    /// <inheritdoc/>
    public ValueTask<bool> AuthenticateAsync(SmtpSession session, string userName, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        return new(Current().Verify(userName, password));
    }

    private UsersFile Current()
    {
        var info = new FileInfo(_path);
        var stamp = info.Exists ? info.LastWriteTimeUtc : default;
        var length = info.Exists ? info.Length : -1;
        var snapshot = _snapshot;
        if (snapshot.Stamp == stamp && snapshot.Length == length)
        {
            return snapshot.Users;
        }

        lock (_reload)
        {
            snapshot = _snapshot;
            if (snapshot.Stamp == stamp && snapshot.Length == length)
            {
                return snapshot.Users;
            }

            try
            {
                var errors = new List<string>();
                var users = info.Exists ? UsersFile.Parse(File.ReadAllText(_path), errors) : UsersFile.Parse(string.Empty);
                foreach (var error in errors)
                {
                    SubmissionLog.UsersFileProblem(_logger, _path, error);
                }

                SubmissionLog.UsersLoaded(_logger, _path, users.Count);
                _snapshot = new Snapshot(stamp, length, users);
                return users;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                SubmissionLog.UsersFileUnreadable(_logger, _path, e);
                return snapshot.Users;
            }
        }
    }

    private sealed record Snapshot(DateTime Stamp, long Length, UsersFile Users);
}
