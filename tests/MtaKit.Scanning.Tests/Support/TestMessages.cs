using System.Text;

namespace MtaKit.Scanning.Tests.Support;

/// <summary>Test messages; EICAR comes from the library's encoded copy so no test file carries it.</summary>
internal static class TestMessages
{
    public static string Eicar => Encoding.ASCII.GetString(TestPatterns.Eicar);

    public static string Gtube => Encoding.ASCII.GetString(TestPatterns.Gtube);

    public static ScanRequest Request(string text) => new(BytesContent.FromText(text))
    {
        ClientAddress = System.Net.IPAddress.Loopback,
        Helo = "client.example.test",
        ReversePath = "alice@example.test",
        Recipients = ["bob@example.test"],
        QueueId = "TESTQ1",
    };

    public static string Mail(string body, string subject = "test") => $"""
        From: Alice <alice@example.test>
        To: Bob <bob@example.test>
        Subject: {subject}
        Date: Sun, 29 Nov 2026 09:00:00 +0000
        Message-ID: <{Guid.NewGuid():N}@example.test>

        {body}

        """;

    public static string Clean => Mail("Hello Bob,\nthe meeting is at ten.\nAlice");

    public static string WithAttachment(string fileName, string contentType, byte[] content) => $"""
        From: Alice <alice@example.test>
        To: Bob <bob@example.test>
        Subject: attachment
        Date: Sun, 29 Nov 2026 09:00:00 +0000
        Message-ID: <{Guid.NewGuid():N}@example.test>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b1"

        --b1
        Content-Type: text/plain

        See attached.
        --b1
        Content-Type: {contentType}; name="{fileName}"
        Content-Disposition: attachment; filename="{fileName}"
        Content-Transfer-Encoding: base64

        {Convert.ToBase64String(content, Base64FormattingOptions.InsertLineBreaks)}
        --b1--

        """;
}
