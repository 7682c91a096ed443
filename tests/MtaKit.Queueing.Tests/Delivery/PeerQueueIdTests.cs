using Microsoft.Extensions.Logging.Testing;

namespace MtaKit.Queueing.Tests.Delivery;

/// <summary>The next hop's queue id, read from its 250 text, in the delivery log line and the spool.</summary>
public sealed class PeerQueueIdTests
{
    [Theory]
    [InlineData("2.0.0", "Ok: queued as 4dKq2x1ZPkz9", "4dKq2x1ZPkz9")] // Postfix
    [InlineData(null, "OK id=1v2Abc-000Xyz-9Q", "1v2Abc-000Xyz-9Q")] // Exim
    [InlineData("2.0.0", "5ATFp2Vb012345 Message accepted for delivery", "5ATFp2Vb012345")] // Sendmail
    [InlineData("2.6.0", "<CAF=abc@mail.example.com> [InternalId=38259949158413, Hostname=EX01.example.com] Queued mail for delivery", "38259949158413")] // Exchange
    [InlineData("2.6.0", "<CAF=abc@mail.example.com> Queued mail for delivery", null)] // Exchange without an id
    [InlineData("2.0.0", "Ok: delivered as 1N8MP0F1Y0004060", "1N8MP0F1Y0004060")] // MtaKit's Mailstore
    [InlineData("2.0.0", "Ok", null)]
    public void DeliveryResult_AcceptedAtData_QueueIdFromTheServersText(string? enhanced, string text, string? expected)
    {
        var reply = new SmtpReply(250, enhanced is null ? null : EnhancedStatusCode.Parse(enhanced), text);

        Assert.Equal(expected, new DeliveryResult(new SmtpClientRecipient("a@example.test"), reply, DeliveryPhase.Data, true).QueueId);
    }

    [Fact]
    public async Task Delivery_NextHopNamesItsQueueId_InTheDeliveryLogLine()
    {
        var logger = new FakeLogger();
        await using var net = await TierNetwork.StartAsync(new TierNetworkSettings { Tier1Logger = logger });
        await net.StartDestinationAsync();

        await net.SendAsync("user@example.test");
        await net.AdvanceUntilAsync(() => net.Delivered("user@example.test").Length == 1 && net.Tier1.Count == 0, TimeSpan.FromSeconds(1), "delivery");

        var line = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 3301);
        var peerId = line.GetStructuredStateValue("PeerQueueId");
        Assert.False(string.IsNullOrEmpty(peerId));
        Assert.Contains($"host=127.0.0.1:{net.DestinationPort} rcpt=<user@example.test> status=Accepted", line.Message, StringComparison.Ordinal);
        Assert.EndsWith($" as {peerId}\" peer-id={peerId}", line.Message, StringComparison.Ordinal);
        Assert.Contains(peerId, await File.ReadAllTextAsync(net.Delivered("user@example.test")[0]), StringComparison.Ordinal); // the Mailstore's Received id
    }
}
