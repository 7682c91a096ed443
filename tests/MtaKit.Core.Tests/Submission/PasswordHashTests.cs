namespace MtaKit.Core.Tests.Submission;

public sealed class PasswordHashTests
{
    [Fact]
    public void Create_DefaultIterations_StoresVersionedPbkdf2Line()
    {
        var stored = PasswordHash.Create("s3cret");

        Assert.StartsWith("$pbkdf2-sha256$v=1$i=210000$", stored, StringComparison.Ordinal);
        Assert.True(PasswordHash.Verify("s3cret", stored));
        Assert.False(PasswordHash.Verify("s3cret ", stored));
    }

    [Fact]
    public void Create_SamePasswordTwice_SaltsDiffer()
    {
        var a = PasswordHash.Create("pw", 1000);
        var b = PasswordHash.Create("pw", 1000);

        Assert.NotEqual(a, b);
        Assert.True(PasswordHash.Verify("pw", a));
        Assert.True(PasswordHash.Verify("pw", b));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("$pbkdf2-sha256$v=1$i=999$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("$pbkdf2-sha256$v=1$i=1000$!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("$pbkdf2-sha256$v=2$i=1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Verify_MalformedStoredForm_False(string stored)
    {
        Assert.False(PasswordHash.IsWellFormed(stored));
        Assert.False(PasswordHash.Verify("anything", stored));
    }
}
