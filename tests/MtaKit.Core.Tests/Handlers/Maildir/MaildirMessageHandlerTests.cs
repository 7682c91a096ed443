using MtaKit.Handlers.Maildir;
using MtaKit.Routing;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Handlers.Maildir;

public sealed class MaildirMessageHandlerTests
{
    [Theory]
    [InlineData("\"../../x\"@example.test")]
    [InlineData("\"..\"@example.test")]
    [InlineData("\"a/b\\\\c\"@example.test")]
    [InlineData("\".hidden\"@example.test")]
    [InlineData("\"x\\\"y\"@example.test")]
    public void GetMaildirPath_HostileAddress_StaysDirectlyUnderRoot(string address)
    {
        using var dir = new TempDirectory();
        var handler = new MaildirMessageHandler(new MaildirOptions { Root = dir.Path, Domains = [DomainPattern.Parse("example.test")] });
        Assert.True(Mailbox.TryParse(address, out var mailbox, out var error), error);
        var path = handler.GetMaildirPath(mailbox!);
        Assert.Equal(Path.GetFullPath(dir.Path).TrimEnd('/'), Path.GetDirectoryName(path));
        Assert.DoesNotContain("/", Path.GetFileName(path), StringComparison.Ordinal);
        Assert.False(Path.GetFileName(path).StartsWith('.'), path);
    }

    [Fact]
    public void FolderName_SameAddressDifferentCase_SameFolder()
    {
        Assert.Equal(
            MaildirMessageHandler.FolderName(Mailbox.Parse("Bob@EXAMPLE.test.")),
            MaildirMessageHandler.FolderName(Mailbox.Parse("bob@example.test")));
    }

    [Fact]
    public void FolderName_NonAscii_PercentEncodedUtf8()
        => Assert.Equal("j%C3%B6rg@xn--bcher-kva.test", MaildirMessageHandler.FolderName(Mailbox.Parse("jörg@bücher.test")));
}
