using System.Text;
using MtaKit.Scanning.Tests.Support;

namespace MtaKit.Scanning.Tests.Embedded;

/// <summary>Malformed messages (broken MIME, broken base64, broken zips) give results, never exceptions.</summary>
public sealed class EmbeddedRobustnessTests
{
    [Fact]
    public async Task ScanAsync_MutatedMessages_ReturnResults()
    {
        var random = new Random(11);
        var zip = Zip.Create(("a.txt", "hello"u8.ToArray()), ("b.exe", "MZ"u8.ToArray()));
        var template = Encoding.ASCII.GetBytes(TestMessages.WithAttachment("a.zip", "application/zip", zip).ReplaceLineEndings("\r\n"));
        IScanner[] scanners = [new SignatureScanner(), new GtubeScanner(), new AttachmentPolicyScanner()];

        for (var i = 0; i < 300; i++)
        {
            var bytes = (byte[])template.Clone();
            for (var m = random.Next(1, 20); m > 0; m--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var request = new ScanRequest(new BytesContent(bytes[..random.Next(1, bytes.Length)]));
            foreach (var scanner in scanners)
            {
                var result = await scanner.ScanAsync(request, CancellationToken.None);
                Assert.NotEqual(ScanVerdict.Unavailable, result.Verdict);
            }
        }
    }
}
