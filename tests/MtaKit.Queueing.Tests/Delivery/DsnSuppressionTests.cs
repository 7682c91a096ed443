namespace MtaKit.Queueing.Tests.Delivery;

/// <summary>
/// MtaKit:Queue:Dsn:SuppressForUnvalidatedSenders end to end: tier 1 runs the real SPF stage (static
/// zone), records the result in the spool envelope, passes it to tier 2 in the hand-off, and tier 2
/// (the last) honours it when the message expires.
/// </summary>
public sealed class DsnSuppressionTests
{
    private static SmtpPipeline SpfPipeline(string record)
    {
        var zone = StaticZone.Parse($"$ZONE example.test\nexample.test TXT \"{record}\"\n");
        return new SmtpPipelineBuilder().Use(new SpfStage(new SpfEvaluator(new StaticZoneResolver(zone)))).Build();
    }

    private static async Task<TierNetwork> ExpireOneMessageAsync(string spfRecord, bool suppress, SenderValidation expected)
    {
        var net = await TierNetwork.StartAsync(new TierNetworkSettings { SuppressDsnForUnvalidatedSenders = suppress, Tier1Pipeline = SpfPipeline(spfRecord) });
        await net.StartDestinationAsync(); // the sender's own mailbox is reachable
        await net.SendAsync("nobody@down.test");
        await TierNetwork.WaitUntilAsync(() => net.Tier1.Count == 1, "tier 1 holds the message");
        Assert.Equal(expected, Assert.Single(net.ReadSpool("tier1")).SenderValidation);

        await net.AdvanceAsync(TimeSpan.FromHours(7), TimeSpan.FromMinutes(30), () => net.Tier2.Count == 1 && net.Tier1.Count == 0);
        await net.AdvanceUntilAsync(() => net.Tier1.Count == 0 && net.Tier2.Count == 1, TimeSpan.FromMinutes(1), "the hand-off to tier 2");
        Assert.Equal(expected, Assert.Single(net.ReadSpool("tier2")).SenderValidation); // travelled with the hand-off

        await net.AdvanceAsync(TimeSpan.FromHours(16), TimeSpan.FromMinutes(30), () => net.Tier2.Count == 0);
        await net.AdvanceUntilAsync(() => net.Tier2.Count == 0, TimeSpan.FromMinutes(1), "the message expires from tier 2");
        return net;
    }

    [Fact]
    public async Task Expiry_SenderWithoutSpfPass_Suppressed_NoDsn()
    {
        await using var net = await ExpireOneMessageAsync("v=spf1 ?all", suppress: true, SenderValidation.NotValidated);
        await TierNetwork.SettleAsync();
        Assert.Empty(net.Delivered("sender@example.test"));
        Assert.Empty(net.ReadSpool("tier2"));
    }

    [Fact]
    public async Task Expiry_SenderWithoutSpfPass_NotSuppressed_GetsDsn()
    {
        await using var net = await ExpireOneMessageAsync("v=spf1 ?all", suppress: false, SenderValidation.NotValidated);
        await net.AdvanceUntilAsync(() => net.Delivered("sender@example.test").Length == 1, TimeSpan.FromMinutes(1), "the DSN reaches the sender");
    }

    [Fact]
    public async Task Expiry_SenderWithSpfPass_Suppressing_StillGetsDsn()
    {
        await using var net = await ExpireOneMessageAsync("v=spf1 ip4:127.0.0.1 -all", suppress: true, SenderValidation.Validated);
        await net.AdvanceUntilAsync(() => net.Delivered("sender@example.test").Length == 1, TimeSpan.FromMinutes(1), "the DSN reaches the sender");
    }

    [Fact]
    public async Task DelayWarning_SenderWithoutSpfPass_Suppressed_NoDsnButMarkedSent()
    {
        await using var net = await TierNetwork.StartAsync(new TierNetworkSettings { DelayWarning = TimeSpan.FromHours(2), SuppressDsnForUnvalidatedSenders = true, Tier1Pipeline = SpfPipeline("v=spf1 ?all") });
        await net.StartDestinationAsync();
        await net.SendAsync("nobody@down.test");
        await TierNetwork.WaitUntilAsync(() => net.Tier1.Count == 1, "tier 1 holds the message");

        await net.AdvanceAsync(TimeSpan.FromHours(3), TimeSpan.FromMinutes(30));
        await net.AdvanceUntilAsync(() => Assert.Single(net.ReadSpool("tier1")).DelayWarningSent, TimeSpan.FromMinutes(1), "the delay warning is due");

        await TierNetwork.SettleAsync();
        Assert.Empty(net.Delivered("sender@example.test"));
        Assert.Equal(1, net.Tier1.Count); // only the message itself: no DSN was queued
    }

    [Fact]
    public async Task Accept_AuthenticatedClient_IsValidatedEvenWithoutSpfPass()
    {
        await using var net = await TierNetwork.StartAsync(new TierNetworkSettings { Tier1Pipeline = SpfPipeline("v=spf1 ?all"), Tier1Authenticator = new OneUser() });

        await net.SendAsync("nobody@down.test", auth: ("alice", "secret"));
        await TierNetwork.WaitUntilAsync(() => net.Tier1.Count == 1, "tier 1 holds the message");

        Assert.Equal(SenderValidation.Validated, Assert.Single(net.ReadSpool("tier1")).SenderValidation);
    }

    [Fact]
    public async Task Accept_NoSpfOrDmarcStage_IsUnknown()
    {
        await using var net = await TierNetwork.StartAsync(new TierNetworkSettings { SuppressDsnForUnvalidatedSenders = true });

        await net.SendAsync("nobody@down.test");
        await TierNetwork.WaitUntilAsync(() => net.Tier1.Count == 1, "tier 1 holds the message");

        Assert.Equal(SenderValidation.Unknown, Assert.Single(net.ReadSpool("tier1")).SenderValidation);
    }

    private sealed class OneUser : ISmtpAuthenticator
    {
        public ValueTask<bool> AuthenticateAsync(SmtpSession session, string userName, string password, CancellationToken cancellationToken)
            => new(userName == "alice" && password == "secret");
    }
}
