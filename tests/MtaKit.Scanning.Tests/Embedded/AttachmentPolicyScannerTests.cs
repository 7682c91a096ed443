using MtaKit.Scanning.Tests.Support;

namespace MtaKit.Scanning.Tests.Embedded;

public sealed class AttachmentPolicyScannerTests
{
    private static readonly byte[] Payload = "MZ not really a program"u8.ToArray();

    private static AttachmentPolicyScanner CreateSut(EmbeddedOptions? options = null) => new(options);

    private static Task<ScanResult> ScanAsync(AttachmentPolicyScanner sut, string fileName, string contentType, byte[] content)
        => sut.ScanAsync(TestMessages.Request(TestMessages.WithAttachment(fileName, contentType, content)), CancellationToken.None).AsTask();

    [Theory]
    [InlineData("invoice.exe")]
    [InlineData("invoice.pdf.scr")]
    [InlineData("RUN.BAT")]
    public async Task ScanAsync_BlockedExtension_IsBlocked(string fileName)
    {
        var result = await ScanAsync(CreateSut(), fileName, "application/octet-stream", Payload);

        Assert.Equal(ScanVerdict.Blocked, result.Verdict);
        Assert.Contains(fileName, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanAsync_BlockedContentType_IsBlocked()
    {
        var result = await ScanAsync(CreateSut(), "harmless.dat", "application/x-msdownload", Payload);

        Assert.Equal(ScanVerdict.Blocked, result.Verdict);
        Assert.Contains("application/x-msdownload", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanAsync_ExeInsideZip_IsBlocked()
    {
        var zip = Zip.Create(("docs/readme.txt", "hi"u8.ToArray()), ("docs/setup.exe", Payload));

        var result = await ScanAsync(CreateSut(), "docs.zip", "application/zip", zip);

        Assert.Equal(ScanVerdict.Blocked, result.Verdict);
        Assert.Contains("'docs/setup.exe' in 'docs.zip'", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanAsync_ExeInsideZipInsideZip_IsBlocked()
    {
        var inner = Zip.Create(("tool.js", Payload));
        var outer = Zip.Create(("inner.zip", inner));

        var result = await ScanAsync(CreateSut(), "outer.zip", "application/zip", outer);

        Assert.Equal(ScanVerdict.Blocked, result.Verdict);
        Assert.Contains("tool.js", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanAsync_EncryptedZip_IsBlocked()
    {
        var zip = Zip.MarkEncrypted(Zip.Create(("secret.txt", "hidden"u8.ToArray())));

        var result = await ScanAsync(CreateSut(), "secret.zip", "application/zip", zip);

        Assert.Equal(ScanVerdict.Blocked, result.Verdict);
        Assert.Contains("encrypted", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanAsync_EncryptedZipWhenAllowed_IsClean()
    {
        var zip = Zip.MarkEncrypted(Zip.Create(("secret.txt", "hidden"u8.ToArray())));

        var result = await ScanAsync(CreateSut(new EmbeddedOptions { BlockEncryptedArchives = false }), "secret.zip", "application/zip", zip);

        Assert.Equal(ScanVerdict.Clean, result.Verdict);
    }

    [Fact]
    public async Task ScanAsync_ExeInsideZipWithArchivesOff_IsClean()
    {
        var zip = Zip.Create(("setup.exe", Payload));

        var result = await ScanAsync(CreateSut(new EmbeddedOptions { ScanArchives = false }), "a.zip", "application/zip", zip);

        Assert.Equal(ScanVerdict.Clean, result.Verdict);
    }

    [Fact]
    public async Task ScanAsync_PdfAttachment_IsClean()
        => Assert.Equal(ScanVerdict.Clean, (await ScanAsync(CreateSut(), "report.pdf", "application/pdf", "%PDF-1.4"u8.ToArray())).Verdict);

    [Fact]
    public async Task ScanAsync_CustomExtensionList_ReplacesDefaults()
    {
        var sut = CreateSut(new EmbeddedOptions { BlockedExtensions = [".docm"] });

        Assert.Equal(ScanVerdict.Blocked, (await ScanAsync(sut, "macro.docm", "application/octet-stream", Payload)).Verdict);
        Assert.Equal(ScanVerdict.Clean, (await ScanAsync(sut, "setup.exe", "application/octet-stream", Payload)).Verdict);
    }

    [Fact]
    public async Task ScanAsync_CorruptZip_IsCleanNotAnError()
    {
        var result = await ScanAsync(CreateSut(), "broken.zip", "application/zip", [.. "PK\x03\x04"u8, .. new byte[40]]);

        Assert.Equal(ScanVerdict.Clean, result.Verdict);
    }
}
