using System.Security.Cryptography;
using System.Text;
using MtaKit.Scanning.Tests.Support;

namespace MtaKit.Scanning.Tests.Embedded;

public sealed class SignatureScannerTests
{
    private static SignatureScanner CreateSut(SignatureSet? signatures = null, long maxSize = 25 * 1024 * 1024) => new(signatures, maxSize);

    [Fact]
    public async Task ScanAsync_EicarInBody_IsInfected()
    {
        var result = await CreateSut().ScanAsync(TestMessages.Request(TestMessages.Mail(TestMessages.Eicar)), CancellationToken.None);

        Assert.Equal(ScanVerdict.Infected, result.Verdict);
        Assert.Equal("Eicar-Test-Signature", result.SignatureName);
        Assert.Equal("embedded:signatures", result.Scanner);
    }

    [Fact]
    public async Task ScanAsync_EicarAsBase64Attachment_IsInfected()
    {
        var mail = TestMessages.WithAttachment("eicar.com", "application/octet-stream", TestPatterns.Eicar.ToArray());
        Assert.DoesNotContain("EICAR", mail, StringComparison.Ordinal);

        var result = await CreateSut().ScanAsync(TestMessages.Request(mail), CancellationToken.None);

        Assert.Equal(ScanVerdict.Infected, result.Verdict);
        Assert.Equal("Eicar-Test-Signature", result.SignatureName);
    }

    [Fact]
    public async Task ScanAsync_EicarInsideZipAttachment_IsInfected()
    {
        var zip = Zip.Create(("readme.txt", "hello"u8.ToArray()), ("eicar.com", TestPatterns.Eicar.ToArray()));
        var mail = TestMessages.WithAttachment("files.zip", "application/zip", zip);

        var result = await CreateSut().ScanAsync(TestMessages.Request(mail), CancellationToken.None);

        Assert.Equal(ScanVerdict.Infected, result.Verdict);
    }

    [Fact]
    public async Task ScanAsync_UserTextPattern_IsInfectedWithItsName()
    {
        var set = SignatureSet.Parse("# test\ntext Test.MTA.String-1 MTA-TEST-VIRUS-SIGNATURE\n");

        var result = await CreateSut(set).ScanAsync(TestMessages.Request(TestMessages.Mail("xx MTA-TEST-VIRUS-SIGNATURE yy")), CancellationToken.None);

        Assert.Equal("Test.MTA.String-1", result.SignatureName);
    }

    [Fact]
    public async Task ScanAsync_HashOfAttachment_IsInfectedWithHashName()
    {
        var payload = Encoding.ASCII.GetBytes("a harmless file that a hash list names as bad");
        var set = SignatureSet.Parse($"sha256 {Convert.ToHexString(SHA256.HashData(payload))} Acme.Hashed-1\r\n");

        var result = await CreateSut(set).ScanAsync(TestMessages.Request(TestMessages.WithAttachment("doc.bin", "application/octet-stream", payload)), CancellationToken.None);

        Assert.Equal("Acme.Hashed-1", result.SignatureName);
    }

    [Fact]
    public async Task ScanAsync_HexPatternFromFile_IsInfected()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "hex Acme.Hex-1 4d54412d54455354\n");
            var set = await SignatureSet.LoadAsync(file);

            var result = await CreateSut(set).ScanAsync(TestMessages.Request(TestMessages.Mail("MTA-TEST")), CancellationToken.None);

            Assert.Equal("Acme.Hex-1", result.SignatureName);
            Assert.Equal(2, set.PatternCount);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ScanAsync_CleanMessage_IsClean()
        => Assert.Equal(ScanVerdict.Clean, (await CreateSut().ScanAsync(TestMessages.Request(TestMessages.Clean), CancellationToken.None)).Verdict);

    [Fact]
    public async Task ScanAsync_AboveMaxSize_IsSkipped()
    {
        var result = await CreateSut(maxSize: 100).ScanAsync(TestMessages.Request(TestMessages.Mail(TestMessages.Eicar)), CancellationToken.None);

        Assert.Equal(ScanVerdict.Skipped, result.Verdict);
    }

    [Theory]
    [InlineData("bogus Name value", "(1): unknown kind")]
    [InlineData("\ntext Short abc", "(2): a pattern needs")]
    [InlineData("hex Name zzzzzzzzzzzzzzzz", "(1): invalid hex")]
    [InlineData("sha256 1234 Name", "(1): a SHA-256 hash")]
    [InlineData("text OnlyName", "(1): expected")]
    public void Parse_InvalidLine_ThrowsNamingTheLine(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => SignatureSet.Parse(text, "sigs.txt"));

        Assert.Contains("sigs.txt" + expected, error.Message, StringComparison.Ordinal);
    }
}
