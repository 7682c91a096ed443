using MtaKit.Testing;

namespace MtaKit.Interop.Tests;

/// <summary>
/// Postfix and Exim as the NEXT HOP behind an MtaKit relay (they deliver on to the capture server),
/// over STARTTLS (the route's default is opportunistic). Bodies must arrive byte-identical, once.
/// </summary>
public sealed class NextHopTests
{
    [SkippableTheory]
    [InlineData("postfix", false, true)]
    [InlineData("postfix", true, true)]
    [InlineData("postfix", true, false)]
    [InlineData("exim", false, true)]
    [InlineData("exim", true, true)]
    [InlineData("exim", true, false)]
    public async Task Relay_ToMtaNextHop_BodyByteIdenticalAtFinalHop(string mta, bool pipelined, bool downstreamChunking)
    {
        var peer = Peers.Mta(mta);
        using var dir = new TempDirectory();
        await using var capture = CaptureServer.Start();
        await using var relay = await RelayHost.StartAsync(peer.Port, downstreamChunking: downstreamChunking);
        var to = $"user@{capture.Domain}";
        var message = InteropMessage.Create("sender@client.test", to, $"{mta}-nexthop-{pipelined}-{downstreamChunking}");
        var file = Path.Combine(dir.Path, "message.eml");
        await InteropMessage.WriteForSwaksAsync(file, message);

        await Peers.SwaksAsync(relay.EndPoint, "sender@client.test", to, file, pipelined ? ["--pipeline"] : []);

        Assert.True(await capture.WaitForAsync(1, Peers.DeliveryTimeout), $"{mta} did not deliver");
        var got = Assert.Single(capture.Messages);
        InteropMessage.AssertIdentical(message, got.WithoutTrace);
        // The relay's leg to the MTA used STARTTLS (the route's default is opportunistic; both offer it).
        Assert.Contains("by relay.interop.test", got.Text, StringComparison.Ordinal);
        Assert.Matches(mta == "postfix" ? "by postfix\\.interop\\.test \\(Postfix\\) with ESMTPS" : "by exim\\.interop\\.test with esmtps", got.Text);
    }
}
