using System.Net;
using MtaKit.Server;
using MtaKit.Testing;

namespace MtaKit.Interop.Tests;

/// <summary>
/// SMTP smuggling end to end: every non-standard end-of-data sequence (bare CR or LF around the dot,
/// in every combination) sent to an MtaKit relay whose next hop is a real Postfix or Exim. Postfix
/// runs with <c>smtpd_forbid_bare_newline = no</c>, so it would take "\n.\n" as the end of DATA
/// (the control test proves it): if the relay ever passed such a sequence on, a smuggled second
/// message would reach the capture server. With the default policy the relay refuses each message
/// (554 5.6.0); with Normalize each arrives once, with the smuggled text inside its body, whether
/// the relay passes it on with BDAT (both MTAs offer CHUNKING) or with dot-stuffed DATA.
/// </summary>
public sealed class SmugglingTests
{
    private static readonly string[] Breaks = ["\r\n", "\n", "\r", "\n\r", "\r\r\n", ""];

    /// <summary>Every "&lt;break&gt;.&lt;break&gt;" that is not a real CRLF.CRLF (nor contains one).</summary>
    public static IReadOnlyList<string> Variants { get; } =
        [.. Breaks.Where(b => b.Length > 0)
            .SelectMany(before => Breaks.Select(after => before + "." + after))
            .Where(v => !v.Contains("\r\n.\r\n", StringComparison.Ordinal))
            .Where(v => v.Replace("\r\n", "", StringComparison.Ordinal).AsSpan().IndexOfAny('\r', '\n') >= 0)
            .Distinct()];

    [SkippableTheory]
    [InlineData("postfix", BareLineEndingPolicy.Reject, true)]
    [InlineData("postfix", BareLineEndingPolicy.Normalize, true)]
    [InlineData("postfix", BareLineEndingPolicy.Normalize, false)]
    [InlineData("exim", BareLineEndingPolicy.Reject, true)]
    [InlineData("exim", BareLineEndingPolicy.Normalize, true)]
    [InlineData("exim", BareLineEndingPolicy.Normalize, false)]
    public async Task Relay_EveryBareEndOfDataVariant_NextHopGetsExactlyOneMessagePerTransaction(string mta, BareLineEndingPolicy policy, bool downstreamChunking)
    {
        var peer = Peers.Mta(mta);
        await using var capture = CaptureServer.Start();
        await using var relay = await RelayHost.StartAsync(peer.Port, s => s["MtaKit:Listeners:smtp:BareLineEndings"] = policy.ToString(), downstreamChunking: downstreamChunking);
        var to = $"user@{capture.Domain}";
        for (var i = 0; i < Variants.Count; i++)
        {
            var reply = await SendSmugglingAsync(relay.EndPoint, to, capture.Domain, i, Variants[i]);
            if (policy == BareLineEndingPolicy.Reject)
            {
                Assert.True(reply == "554 5.6.0 Message contains bare CR or LF line endings: use CRLF", $"variant {i} {Escape(Variants[i])}: {reply}");
            }
            else
            {
                Assert.True(reply.StartsWith("250 ", StringComparison.Ordinal), $"variant {i} {Escape(Variants[i])}: {reply}");
            }
        }

        // A last, clean message: once it is at the capture server, everything sent before it is too
        // (plus a quiet second for anything a next hop would split off and deliver separately).
        var expected = policy == BareLineEndingPolicy.Reject ? 1 : Variants.Count + 1;
        await using (var c = await RawSmtpClient.ConnectAsync(relay.EndPoint))
        {
            await c.ReadReplyAsync();
            await c.CommandAsync("EHLO client.interop.test");
            await c.CommandAsync("MAIL FROM:<marker@client.test>");
            Assert.StartsWith("250", await c.CommandAsync($"RCPT TO:<{to}>"), StringComparison.Ordinal);
            await c.CommandAsync("DATA");
            Assert.StartsWith("250", await c.CommandAsync("Subject: marker\r\n\r\nmarker\r\n."), StringComparison.Ordinal);
        }

        Assert.True(await capture.WaitForAsync(expected, Peers.DeliveryTimeout), $"{capture.Messages.Count} of {expected} arrived");
        await Task.Delay(TimeSpan.FromSeconds(2)); // real MTAs deliver on their own schedule; a split message would show here
        var messages = capture.Messages.ToArray();
        Assert.DoesNotContain(messages, m => m.Sender == "evil@client.test");
        Assert.True(expected == messages.Length, $"{messages.Length} messages, expected {expected}:\n" + string.Join("\n", messages.Select(m => $"{m.Sender} {Escape(m.Text[Math.Max(0, m.Text.IndexOf("Subject:", StringComparison.Ordinal))..])}")));
        Assert.Single(messages, m => m.Sender == "marker@client.test");
        foreach (var m in messages.Where(m => m.Sender != "marker@client.test"))
        {
            // The smuggled "transaction" is body text, on CRLF lines, after the normalised sequence.
            Assert.Contains("MAIL FROM:<evil@client.test>\r\nRCPT TO:<victim@", m.Text, StringComparison.Ordinal);
            Assert.Contains("smuggled", m.Text, StringComparison.Ordinal);
            var body = m.Text[m.Text.IndexOf("\r\n\r\n", StringComparison.Ordinal)..].Replace("\r\n", "", StringComparison.Ordinal);
            Assert.DoesNotContain('\r', body);
            Assert.DoesNotContain('\n', body);
        }
    }

    /// <summary>The control: this Postfix does split "\n.\n" when it receives it directly, so the test above can fail.</summary>
    [SkippableFact]
    public async Task Control_PostfixNextHopDirectly_SplitsBareLfDot()
    {
        await using var capture = CaptureServer.Start();
        var reply = await SendSmugglingAsync(Peers.Postfix, $"user@{capture.Domain}", capture.Domain, 0, "\n.\n");
        Assert.StartsWith("250 ", reply, StringComparison.Ordinal);
        Assert.True(await capture.WaitForAsync(2, Peers.DeliveryTimeout), $"{capture.Messages.Count} of 2 arrived");
        Assert.Contains(capture.Messages, m => m.Sender == "evil@client.test");
    }

    private static string Escape(string s) => s.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static async Task<string> SendSmugglingAsync(IPEndPoint server, string to, string domain, int index, string sequence)
    {
        await using var c = await RawSmtpClient.ConnectAsync(server);
        c.Timeout = TimeSpan.FromSeconds(30);
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO client.interop.test");
        Assert.StartsWith("250", await c.CommandAsync("MAIL FROM:<sender@client.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await c.CommandAsync($"RCPT TO:<{to}>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await c.CommandAsync("DATA"), StringComparison.Ordinal);
        await c.SendRawAsync(
            $"Subject: smuggle {index}\r\nMessage-ID: <smuggle-{index}@client.test>\r\n\r\nbefore" + sequence
            + $"MAIL FROM:<evil@client.test>\r\nRCPT TO:<victim@{domain}>\r\nDATA\r\nSubject: smuggled\r\n\r\nsmuggled" + sequence
            + "after\r\n.\r\n");
        var reply = await c.ReadLastLineAsync();
        await c.SendAsync("QUIT");
        return reply;
    }
}
