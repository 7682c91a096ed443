using System.Net;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Submission;

public sealed class UsersFileTests
{
    internal static SmtpSession Session(string ip = "192.0.2.10")
        => new("s1", "submission", "mx.test", new IPEndPoint(IPAddress.Parse(ip), 40000), new IPEndPoint(IPAddress.Loopback, 587), DateTimeOffset.UnixEpoch, CancellationToken.None);

    [Fact]
    public void Parse_CommentsBlankAndBadLines_KeepsGoodUsers()
    {
        var errors = new List<string>();
        var hash = PasswordHash.Create("pw", 1000);

        var file = UsersFile.Parse($"# users\n\nalice@example.test {hash}\nbroken line here\nbob@example.test notahash\n", errors);

        Assert.Equal(1, file.Count);
        Assert.True(file.Contains("ALICE@example.test"));
        Assert.True(file.Verify("alice@example.test", "pw"));
        Assert.False(file.Verify("alice@example.test", "PW"));
        Assert.False(file.Verify("nobody@example.test", "pw"));
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("line 4:", errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetUserAsync_AddThenReplace_OneLinePerUserCommentsKept()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "users");
        await File.WriteAllTextAsync(path, "# submission users\n");

        await UsersFile.SetUserHashAsync(path, "alice@example.test", PasswordHash.Create("one", 1000), CancellationToken.None);
        await UsersFile.SetUserHashAsync(path, "bob@example.test", PasswordHash.Create("two", 1000), CancellationToken.None);
        await UsersFile.SetUserHashAsync(path, "Alice@example.test", PasswordHash.Create("three", 1000), CancellationToken.None);

        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal("# submission users", lines[0]);
        Assert.Equal(3, lines.Length);
        var file = await UsersFile.LoadAsync(path);
        Assert.True(file.Verify("alice@example.test", "three"));
        Assert.False(file.Verify("alice@example.test", "one"));
        Assert.True(file.Verify("bob@example.test", "two"));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task SetUserAsync_UserNameWithSpace_Throws()
    {
        using var dir = new TempDirectory();
        await Assert.ThrowsAsync<ArgumentException>(() => UsersFile.SetUserAsync(Path.Combine(dir.Path, "users"), "a b", "pw"));
    }

    [Fact]
    public async Task AuthenticateAsync_FileChanges_ReloadsWithoutRestart()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "users");
        var sut = new UsersFileAuthenticator(path);

        Assert.False(await sut.AuthenticateAsync(Session(), "alice@example.test", "pw", CancellationToken.None));

        await UsersFile.SetUserHashAsync(path, "alice@example.test", PasswordHash.Create("pw", 1000), CancellationToken.None);
        Assert.True(await sut.AuthenticateAsync(Session(), "alice@example.test", "pw", CancellationToken.None));

        await UsersFile.SetUserHashAsync(path, "alice@example.test", PasswordHash.Create("new password", 1000), CancellationToken.None);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5)); // a same-size rewrite within the clock's resolution still counts as a change
        Assert.False(await sut.AuthenticateAsync(Session(), "alice@example.test", "pw", CancellationToken.None));
        Assert.True(await sut.AuthenticateAsync(Session(), "alice@example.test", "new password", CancellationToken.None));
    }
}
