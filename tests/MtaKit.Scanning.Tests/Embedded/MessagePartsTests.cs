using System.Text;
using MtaKit.Scanning.Tests.Support;

namespace MtaKit.Scanning.Tests.Embedded;

/// <summary>The shared parse of the embedded scanners: the single-part fast path gives what the MIME parser gives.</summary>
public sealed class MessagePartsTests
{
    private const string Head = "From: Alice <alice@example.test>\r\nTo: Bob <bob@example.test>\r\nSubject: test\r\n";

    public static TheoryData<string> SinglePartMessages => new()
    {
        Head + "\r\nHello Bob,\r\nthe meeting is at ten.\r\n",
        Head + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGr\u00fc\u00dfe\r\n",
        Head + "Content-Type: Text/HTML;\r\n\tcharset=\"us-ascii\"\r\nContent-Transfer-Encoding: 7BIT\r\n\r\n<p>hi</p>\r\n",
        Head + "content-type: text/plain\r\ncontent-transfer-encoding: binary\r\n\r\nbinary body\r\n",
        "From: a@example.test\nSubject: bare line feeds\n\nbody line\nlast line\n",
        Head + "X-Folded: a\r\n  b\r\n\r\n",
        Head + "\r\n",
    };

    public static TheoryData<string> ParsedMessages => new()
    {
        TestMessages.WithAttachment("a.txt", "text/plain", "hello"u8.ToArray()).ReplaceLineEndings("\r\n"),
        Head + "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n",
        Head + "Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nh=C3=A9\r\n",
        Head + "Content-Type: text/plain; name=\"notes.txt\"\r\n\r\nhello\r\n",
        Head + "Content-Type: text/plain\r\nContent-Disposition: attachment\r\n\r\nhello\r\n",
        Head + "Content-Type: text/plain\r\nContent-Type: application/x-msdownload\r\n\r\nMZ\r\n",
        Head + "Content-Type: application/octet-stream\r\n\r\nMZ\r\n",
        Head + "Content-Type: text/plain (comment)\r\n\r\nhello\r\n",
        Head + "Subject : space before the colon\r\n\r\nhello\r\n",
        "From sender@example.test Sun Nov 29 09:00:00 2026\r\n" + Head + "\r\nhello\r\n",
        Head + "no blank line, header only\r\n",
        Head,
    };

    [Theory]
    [MemberData(nameof(SinglePartMessages))]
    public async Task LoadAsync_SinglePartText_SkipsTheParseAndGivesTheParsersParts(string text)
    {
        var content = new BytesContent(Encoding.UTF8.GetBytes(text));

        var fast = await MessageParts.LoadAsync(content);
        var parsed = await MessageParts.LoadAsync(content, forceMimeParse: true);

        Assert.False(fast.MimeParsed);
        Assert.True(parsed.MimeParsed);
        Assert.Equal(parsed.Raw.ToArray(), fast.Raw.ToArray());
        var part = Assert.Single(fast.Parts);
        var expected = Assert.Single(parsed.Parts);
        Assert.Equal(expected.Description, part.Description);
        Assert.Equal(expected.FileName, part.FileName);
        Assert.Equal(expected.ContentType, part.ContentType);
        Assert.Equal(expected.Content.ToArray(), part.Content.ToArray());
        Assert.Equal(expected.ArchiveDepth, part.ArchiveDepth);
        Assert.Empty(fast.Notes);
    }

    [Fact]
    public async Task LoadAsync_RandomHeaderMixes_FastPathAlwaysGivesTheParsersPart()
    {
        string[] fields =
        [
            "From: a@example.test", "Subject: hello", "Subject: =?utf-8?q?gr=C3=BC=C3=9Fe?=", "X-Folded: one\r\n two",
            "MIME-Version: 1.0", "Content-Type: text/plain", "Content-Type: TEXT/Plain; charset=utf-8",
            "Content-Type: text/html; charset=\"iso-8859-1\"", "Content-Type: text/plain;\r\n\tformat=flowed; delsp=yes",
            "Content-Type: text/x-custom", "Content-Type: text/plain; name=a.txt", "Content-Type: multipart/mixed; boundary=b",
            "Content-Type: text/", "Content-Type: /plain", "Content-Type:text/plain", "Content-Type: text/plain ; charset=us-ascii",
            "Content-Transfer-Encoding: 7bit", "Content-Transfer-Encoding: 8BIT", "Content-Transfer-Encoding: binary ",
            "Content-Transfer-Encoding: base64", "Content-Disposition: inline", "content-type: text/enriched",
        ];
        string[] bodies = ["", "hello\r\n", "--b\r\nContent-Type: application/x-msdownload\r\n\r\nMZ\r\n--b--\r\n", "line\r\n\r\n\r\n", "no final newline"];
        var random = new Random(5);
        var fast = 0;
        for (var i = 0; i < 400; i++)
        {
            var text = new StringBuilder();
            for (var n = random.Next(1, 6); n > 0; n--)
            {
                text.Append(fields[random.Next(fields.Length)]).Append("\r\n");
            }

            text.Append("\r\n").Append(bodies[random.Next(bodies.Length)]);
            var message = random.Next(4) == 0 ? text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal) : text.ToString();
            var content = new BytesContent(Encoding.UTF8.GetBytes(message));

            var parts = await MessageParts.LoadAsync(content);
            if (parts.MimeParsed)
            {
                continue;
            }

            fast++;
            var parsed = await MessageParts.LoadAsync(content, forceMimeParse: true);
            var expected = Assert.Single(parsed.Parts);
            var part = Assert.Single(parts.Parts);
            Assert.True(expected == part with { Content = expected.Content } && expected.Content.Span.SequenceEqual(part.Content.Span), message);
        }

        Assert.InRange(fast, 40, 360); // both paths were exercised
    }

    [Theory]
    [MemberData(nameof(ParsedMessages))]
    public async Task LoadAsync_NotPlainSinglePart_ParsesMime(string text)
    {
        var parts = await MessageParts.LoadAsync(new BytesContent(Encoding.UTF8.GetBytes(text)));

        Assert.True(parts.MimeParsed);
    }

    [Fact]
    public async Task LoadAsync_ContentLongerThanItsLength_IsReadWhole()
    {
        var bytes = Encoding.ASCII.GetBytes(Head + "\r\n" + new string('x', 10_000) + "\r\n");

        var parts = await MessageParts.LoadAsync(new ShortLengthContent(bytes, 100));

        Assert.Equal(bytes, parts.Raw.ToArray());
    }

    [Fact]
    public async Task LoadAsync_SinglePartBodyIsAZip_ExpandsIt()
    {
        var zip = Zip.Create(("setup.exe", "MZ"u8.ToArray()));
        var bytes = Encoding.ASCII.GetBytes(Head + "Content-Transfer-Encoding: binary\r\n\r\n").Concat(zip).ToArray();

        var parts = await MessageParts.LoadAsync(new BytesContent(bytes));

        Assert.False(parts.MimeParsed);
        Assert.Contains(parts.Parts, p => p.ArchiveDepth == 1 && p.FileName == "setup.exe");
    }

    [Fact]
    public async Task ScanAsync_SinglePartZipBody_AttachmentPolicyStillBlocksTheExe()
    {
        var zip = Zip.Create(("setup.exe", "MZ"u8.ToArray()));
        var bytes = Encoding.ASCII.GetBytes(Head + "Content-Transfer-Encoding: binary\r\n\r\n").Concat(zip).ToArray();

        var result = await new AttachmentPolicyScanner().ScanAsync(new ScanRequest(new BytesContent(bytes)), CancellationToken.None);

        Assert.Equal(ScanVerdict.Blocked, result.Verdict);
        Assert.Contains("setup.exe", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanAsync_SinglePartEicar_IsInfected()
    {
        var request = TestMessages.Request(TestMessages.Mail(TestMessages.Eicar));

        var result = await new SignatureScanner().ScanAsync(request, CancellationToken.None);

        Assert.Equal(ScanVerdict.Infected, result.Verdict);
        Assert.False((await MessageParts.LoadAsync(request.Message)).MimeParsed);
    }

    [Fact]
    public async Task ScanAsync_SinglePartGtube_IsSpam()
    {
        var result = await new GtubeScanner().ScanAsync(TestMessages.Request(TestMessages.Mail(TestMessages.Gtube)), CancellationToken.None);

        Assert.Equal(ScanVerdict.Spam, result.Verdict);
    }

    [Fact]
    public async Task ScanAsync_SinglePartBlockedTextType_IsBlocked()
    {
        var sut = new AttachmentPolicyScanner(new EmbeddedOptions { BlockedContentTypes = ["text/html"] });
        var request = TestMessages.Request(Head + "Content-Type: Text/HTML; charset=utf-8\r\n\r\n<p>hi</p>\r\n");

        var result = await sut.ScanAsync(request, CancellationToken.None);

        Assert.Equal(ScanVerdict.Blocked, result.Verdict);
        Assert.Contains("part 1 (Text/HTML): content type text/html", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanAsync_MultipartWithBadAttachment_IsStillBlockedThroughTheParser()
    {
        var request = TestMessages.Request(TestMessages.WithAttachment("invoice.exe", "application/octet-stream", "MZ"u8.ToArray()));

        var result = await new AttachmentPolicyScanner().ScanAsync(request, CancellationToken.None);

        Assert.Equal(ScanVerdict.Blocked, result.Verdict);
        Assert.True((await MessageParts.LoadAsync(request.Message)).MimeParsed);
    }

    [Fact]
    public async Task ScannerSetScanAsync_Done_ReleasesTheSharedParts()
    {
        var request = TestMessages.Request(TestMessages.Clean);
        await using var set = new ScannerSet([new SignatureScanner(), new GtubeScanner(), new AttachmentPolicyScanner()]);

        var summary = await set.ScanAsync(request, CancellationToken.None);
        var lease = MessageParts.Acquire(request);

        Assert.Equal(ScanAction.Accept, summary.Action);
        Assert.Null(lease.Load); // a fresh lease: the set's was let go
        MessageParts.Release(lease);
    }

    [Fact]
    public async Task ScannerSetScanAsync_AnotherUserHoldsTheParts_TheirBytesStayIntact()
    {
        var text = TestMessages.Clean;
        var request = TestMessages.Request(text);
        var other = MessageParts.Acquire(request);
        var parts = await other.GetAsync();
        await using var set = new ScannerSet([new SignatureScanner(), new GtubeScanner(), new AttachmentPolicyScanner()]);

        await set.ScanAsync(request, CancellationToken.None);
        var shared = MessageParts.Acquire(request);

        Assert.Same(other, shared); // the set shared the other user's read and did not end it
        Assert.Same(parts, await shared.GetAsync());
        Assert.Equal(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n")), parts.Raw.ToArray());
        MessageParts.Release(shared);
        MessageParts.Release(other);
        Assert.NotSame(other, MessageParts.Acquire(request));
    }

    [Fact]
    public async Task ScanAsync_OneScannerAlone_SharesNothingAfterwards()
    {
        var request = TestMessages.Request(TestMessages.Clean);

        await new SignatureScanner().ScanAsync(request, CancellationToken.None);
        var lease = MessageParts.Acquire(request);

        Assert.Null(lease.Load);
        MessageParts.Release(lease);
    }

    /// <summary>A content whose Length understates its bytes.</summary>
    private sealed class ShortLengthContent(byte[] bytes, long length) : IMessageContent
    {
        public long Length => length;

        public Stream OpenRead() => new MemoryStream(bytes, writable: false);
    }
}
