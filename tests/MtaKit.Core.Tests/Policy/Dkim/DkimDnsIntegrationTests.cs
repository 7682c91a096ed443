using System.Text;
using MtaKit.Core.Tests.Policy.Dmarc;
using MtaKit.Core.Tests.Server;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Policy.Dkim;

/// <summary>
/// MtaKit against an independent implementation over real DNS: messages signed now by dkimpy's dkimsign, keys served by a
/// private dnsmasq, every verdict cross-checked with dkimpy (tests/services/dkim_verify.py) against the same server.
/// </summary>
public sealed class DkimDnsIntegrationTests(DkimDnsServer dns) : IClassFixture<DkimDnsServer>
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    private static string Message(string fromDomain = "example.test") => DkimTestData.ReadText("msg.eml").Replace("@example.test>", "@" + fromDomain + ">", StringComparison.Ordinal);

    // dkimsign reads and writes files (stdout alone: warnings on stderr must not end up in the message).
    private static async Task<string> SignAsync(string message, string selector, string domain, string keyFile, params string[] options)
    {
        ServiceEnvironment.RequireProgram("dkimsign");
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "in.eml");
        var output = Path.Combine(dir.Path, "out.eml");
        await File.WriteAllTextAsync(input, message, Encoding.ASCII);
        var command = $"dkimsign {string.Join(' ', options)} {selector} {domain} '{keyFile}' < '{input}' > '{output}'";
        var (code, text) = await ProcessRunner.RunAsync("bash", ["-c", command], ToolTimeout);
        Assert.True(code == 0, text);
        return await File.ReadAllTextAsync(output, Encoding.ASCII);
    }

    private async Task<(int ExitCode, string Output)> DkimpyVerifyAsync(string message)
        => await ProcessRunner.RunAsync("/usr/bin/python3", [RepositoryPaths.File("tests/services/dkim_verify.py"), dns.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], ToolTimeout, message);

    [SkippableTheory]
    [InlineData("sel1", "sel1.private")]
    [InlineData("ed1", "ed1.key")]
    public async Task VerifyAsync_SignedByDkimpyNow_PassForBoth(string selector, string key)
    {
        var checker = new DkimChecker(dns.CreateResolver());
        var options = selector == "ed1" ? new[] { "--signalg", "ed25519-sha256" } : [];
        var signed = await SignAsync(Message(), selector, "example.test", Path.Combine(DkimTestData.Directory, key), options);

        var ours = await checker.VerifyAsync(DkimTestData.Content(signed));
        var theirs = await DkimpyVerifyAsync(signed);

        Assert.Equal(DkimResult.Pass, Assert.Single(ours.Signatures).Result);
        Assert.Equal(0, theirs.ExitCode);
        Assert.Contains($"signature ok d=example.test s={selector}", theirs.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task VerifyAsync_BodyAlteredAfterSigning_FailForBoth()
    {
        var checker = new DkimChecker(dns.CreateResolver());
        var signed = await SignAsync(Message(), "sel1", "example.test", Path.Combine(DkimTestData.Directory, "sel1.private"));
        var altered = signed.Replace("this message is signed.", "this message is signed!", StringComparison.Ordinal);

        var ours = await checker.VerifyAsync(DkimTestData.Content(altered));
        var theirs = await DkimpyVerifyAsync(altered);

        Assert.Equal(DkimResult.Fail, Assert.Single(ours.Signatures).Result);
        Assert.Equal(1, theirs.ExitCode);
        Assert.Contains("signature verification failed", theirs.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task VerifyAsync_SignedWithAnotherKey_FailForBoth()
    {
        var checker = new DkimChecker(dns.CreateResolver());
        using var dir = new TempDirectory();
        var (code, text) = await ProcessRunner.RunAsync(ServiceEnvironment.RequireProgram("opendkim-genkey"), ["-b", "2048", "-d", "example.test", "-s", "sel1", "-D", dir.Path], ToolTimeout);
        Assert.True(code == 0, text);
        var signed = await SignAsync(Message(), "sel1", "example.test", Path.Combine(dir.Path, "sel1.private"));

        var ours = await checker.VerifyAsync(DkimTestData.Content(signed));
        var theirs = await DkimpyVerifyAsync(signed);

        Assert.Equal(DkimResult.Fail, Assert.Single(ours.Signatures).Result);
        Assert.Equal(1, theirs.ExitCode);
    }

    [SkippableFact]
    public async Task VerifyAsync_KeyLookupTimesOut_TempError()
    {
        var checker = new DkimChecker(dns.CreateResolver());
        var signed = await SignAsync(Message("timeout.test"), "sel1", "timeout.test", Path.Combine(DkimTestData.Directory, "sel1.private"));

        var signature = Assert.Single((await checker.VerifyAsync(DkimTestData.Content(signed))).Signatures);

        Assert.Equal(DkimResult.TempError, signature.Result);
        Assert.Contains("Timeout", signature.Problem, StringComparison.Ordinal);
    }

    private async Task<TestServer> StartServerAsync()
    {
        var resolver = dns.CreateResolver();
        var stage = new DmarcStage(new DkimChecker(resolver), new DmarcEvaluator(resolver), new SpfEvaluator(resolver), new DmarcOptions { Enforce = true });
        return await TestServer.StartAsync(pipeline: new SmtpPipelineBuilder().Use(stage).Build());
    }

    [SkippableFact]
    public async Task Server_ForgedFromUnderRejectPolicy_Exact550()
    {
        await using var server = await StartServerAsync();

        // _dmarc.example.test is p=reject in start-dns.sh's zone; evil.test has no SPF and nothing is signed.
        var reply = await DmarcStageTests.SendAsync(server, "attacker@evil.test", Message());

        Assert.Equal("550 5.7.1 Email rejected per DMARC policy for example.test", reply);
        Assert.Empty(server.Handler.Messages);
    }

    [SkippableFact]
    public async Task Server_DkimpySignedFromForeignEnvelope_Accepted()
    {
        await using var server = await StartServerAsync();
        var signed = await SignAsync(Message(), "sel1", "example.test", Path.Combine(DkimTestData.Directory, "sel1.private"));

        var reply = await DmarcStageTests.SendAsync(server, "list-bounces@lists.evil.test", signed);

        Assert.StartsWith("250 2.0.0 Ok", reply, StringComparison.Ordinal);
        Assert.Contains("dmarc=pass (p=reject dis=none) header.from=example.test", Assert.Single(server.Handler.Messages).Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Server_DnsTimeout_Exact451()
    {
        await using var server = await StartServerAsync();
        var signed = await SignAsync(Message("timeout.test"), "sel1", "timeout.test", Path.Combine(DkimTestData.Directory, "sel1.private"));

        var reply = await DmarcStageTests.SendAsync(server, "alice@timeout.test", signed);

        Assert.Equal("451 4.4.3 Temporary DNS failure checking DMARC for timeout.test, try again later", reply);
    }
}
