using System.Text;
using MtaKit.Testing;

namespace MtaKit.Interop.Tests;

/// <summary>
/// Real clients into an MtaKit inbound relay (the InboundRelay sample's host) whose next hop is the
/// capture server: swaks (plain, pipelined, STARTTLS, AUTH), Postfix's smtp-source, and Postfix and
/// Exim as sending MTAs. Every message must arrive once, byte-identical apart from trace headers.
/// </summary>
public sealed class SendingClientTests
{
    public static TheoryData<string, string[]> SwaksModes() => new()
    {
        { "plain", [] },
        { "pipelined", ["--pipeline"] },
        { "starttls", ["-tls"] },
        { "starttls-pipelined", ["-tls", "--pipeline"] },
        { "auth-plain", ["-tls", "-a", "PLAIN", "-au", "alice", "-ap", "s3cret"] },
        { "auth-login", ["-tls", "-a", "LOGIN", "-au", "alice", "-ap", "s3cret", "--pipeline"] },
    };

    [SkippableTheory]
    [MemberData(nameof(SwaksModes))]
    public async Task Swaks_IntoRelay_BodyByteIdenticalAtNextHop(string mode, string[] flags)
    {
        using var dir = new TempDirectory();
        var (cert, key) = TestCertificates.WritePem(Path.Combine(dir.Path, "tls"), "relay.interop.test");
        await using var capture = CaptureServer.Start();
        var auth = mode.StartsWith("auth", StringComparison.Ordinal);
        await using var relay = await RelayHost.StartAsync(capture.Port, s =>
        {
            s["MtaKit:Listeners:smtp:Tls:CertificatePath"] = cert;
            s["MtaKit:Listeners:smtp:Tls:KeyPath"] = key;
            if (auth)
            {
                s["MtaKit:Listeners:smtp:RequireAuth"] = "true";
            }
        }, withAuthenticator: auth);
        var to = $"user@{capture.Domain}";
        var message = InteropMessage.Create("sender@client.test", to, "swaks-" + mode);
        var file = Path.Combine(dir.Path, "message.eml");
        await InteropMessage.WriteForSwaksAsync(file, message);

        var transcript = await Peers.SwaksAsync(relay.EndPoint, "sender@client.test", to, file, flags);

        Assert.True(await capture.WaitForAsync(1, Peers.DeliveryTimeout), transcript);
        var got = Assert.Single(capture.Messages);
        Assert.Equal("<sender@client.test>", got.ReversePath);
        Assert.Equal([$"<{to}>"], got.ForwardPaths);
        InteropMessage.AssertIdentical(message, got.WithoutTrace);
        if (flags.Contains("-tls"))
        {
            Assert.Contains("with ESMTPS", got.Text, StringComparison.Ordinal);
        }

        if (auth)
        {
            Assert.Contains("235 ", transcript, StringComparison.Ordinal);
            Assert.Contains("with ESMTPSA", got.Text, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task SmtpSource_TenSessionsIntoRelay_EveryMessageOnceWithTheSameBody()
    {
        const int count = 200;
        await using var baseline = CaptureServer.Start();
        await Peers.SmtpSourceAsync(new(System.Net.IPAddress.Loopback, baseline.Port), "s@client.test", $"u@{baseline.Domain}", 1, 1, 5120);
        Assert.True(await baseline.WaitForAsync(1, Peers.DeliveryTimeout));
        var expectedBody = Body(Assert.Single(baseline.Messages).WithoutTrace);

        await using var capture = CaptureServer.Start();
        await using var relay = await RelayHost.StartAsync(capture.Port);
        var to = $"u@{capture.Domain}";
        await Peers.SmtpSourceAsync(relay.EndPoint, "s@client.test", to, count, 10, 5120);

        Assert.True(await capture.WaitForAsync(count, Peers.DeliveryTimeout), $"{capture.Messages.Count} of {count} arrived");
        var messages = capture.Messages.ToArray();
        Assert.Equal(count, messages.Length);
        Assert.Equal(count, messages.Select(m => MessageId(m.WithoutTrace)).Distinct().Count());
        foreach (var m in messages)
        {
            var text = Encoding.ASCII.GetString(m.WithoutTrace);
            Assert.StartsWith($"From: <s@client.test>\r\nTo: <{to}>\r\nDate: ", text, StringComparison.Ordinal);
            Assert.Equal(expectedBody, Body(m.WithoutTrace));
        }
    }

    [SkippableTheory]
    [InlineData("postfix", false)]
    [InlineData("postfix", true)]
    [InlineData("exim", false)]
    [InlineData("exim", true)]
    public async Task Mta_SendingIntoRelay_BodyByteIdenticalAtNextHop(string mta, bool tls)
    {
        var peer = Peers.Mta(mta);
        using var dir = new TempDirectory();
        var (cert, key) = TestCertificates.WritePem(Path.Combine(dir.Path, "tls"), "relay.interop.test");
        await using var capture = CaptureServer.Start();
        await using var relay = await RelayHost.StartAsync(capture.Port, s =>
        {
            if (tls)
            {
                s["MtaKit:Listeners:smtp:Tls:CertificatePath"] = cert;
                s["MtaKit:Listeners:smtp:Tls:KeyPath"] = key;
            }
        });

        // The MTA routes p<relay port>.port.test to the relay; the relay routes *.port.test to the capture.
        var to = $"user@p{relay.Port}.port.test";
        capture.AcceptedDomains.Add($"p{relay.Port}.port.test");
        var message = InteropMessage.Create("sender@client.test", to, $"{mta}-sender-{tls}");
        var file = Path.Combine(dir.Path, "message.eml");
        await InteropMessage.WriteForSwaksAsync(file, message);
        await Peers.SwaksAsync(peer, "sender@client.test", to, file);

        Assert.True(await capture.WaitForAsync(1, Peers.DeliveryTimeout), $"{mta} did not deliver through the relay");

        // Filtered by Message-ID: the relay's domain is accepted here, and a message the shared MTA
        // deferred in an earlier run could be retried to a recycled port.
        var got = Assert.Single(capture.Messages, m => m.Text.Contains($"<{mta}-sender-{tls}@interop.test>", StringComparison.Ordinal));
        Assert.Equal([$"<{to}>"], got.ForwardPaths);
        InteropMessage.AssertIdentical(message, got.WithoutTrace);
        var received = got.Text[..got.Text.IndexOf("Date:", StringComparison.Ordinal)];
        Assert.Contains("by relay.interop.test", received, StringComparison.Ordinal);
        Assert.Contains(tls ? "with ESMTPS" : "with ESMTP ", received, StringComparison.Ordinal);
    }

    private static string Body(byte[] message)
    {
        var text = Encoding.ASCII.GetString(message);
        return text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
    }

    private static string MessageId(byte[] message)
    {
        var text = Encoding.ASCII.GetString(message);
        var i = text.IndexOf("Message-Id: ", StringComparison.Ordinal);
        return text[i..text.IndexOf("\r\n", i, StringComparison.Ordinal)];
    }
}
