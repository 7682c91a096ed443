using MtaKit.Testing;

namespace MtaKit.Queueing.Tests.Delivery;

/// <summary>The FallbackTier sample registers its BusinessHours policy; configuration selects it by name.</summary>
public sealed class SampleTierPolicyTests
{
    private static string[] Args(TempDirectory dir, int port, string policy) =>
    [
        FallbackTierSample.Dll, $"--MtaKit:Listeners:smtp:Endpoint=127.0.0.1:{port}", $"--MtaKit:Queue:SpoolPath={Path.Combine(dir.Path, "spool")}",
        "--MtaKit:Routing:Routes:0:Domains:0=example.test", $"--MtaKit:Routing:Routes:0:NextHops:0:Address=127.0.0.1:{FreePort.Next()}",
        $"--MtaKit:Queue:Tier:Policy={policy}", "--Logging:LogLevel:Default=Information",
    ];

    [Fact]
    public async Task Sample_PolicyBusinessHours_StartsAndAcceptsMail()
    {
        using var dir = new TempDirectory();
        var port = FreePort.Next();
        using var tier = await FallbackTierSample.StartAsync(Args(dir, port, "BusinessHours"));
        try
        {
            await using var c = await RawSmtpClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
            await c.ReadReplyAsync();
            await c.CommandAsync("EHLO relay.test");
            Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<s@example.test>"));
            Assert.StartsWith("250 ", await c.CommandAsync("RCPT TO:<u@example.test>"));
            await c.CommandAsync("DATA");
            await c.SendRawAsync("Subject: held\r\n\r\nx\r\n.\r\n");
            Assert.StartsWith("250 2.0.0 Ok: queued as", await c.ReadLastLineAsync());
        }
        finally
        {
            tier.Kill(entireProcessTree: true);
            await tier.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Sample_UnknownPolicyName_FailsAtStartListingTheKnownOnes()
    {
        using var dir = new TempDirectory();
        using var tier = FallbackTierSample.Start(Args(dir, FreePort.Next(), "Nightly"));
        var output = tier.StandardOutput.ReadToEndAsync();
        var error = await tier.StandardError.ReadToEndAsync();
        await tier.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, tier.ExitCode);
        Assert.Contains("MtaKit:Queue:Tier:Policy names 'Nightly', but the known tier policies are: BusinessHours, Default.", error + await output, StringComparison.Ordinal);
    }
}
