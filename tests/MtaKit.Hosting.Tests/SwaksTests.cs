using MtaKit.Testing;

namespace MtaKit.Hosting.Tests;

/// <summary>swaks (a real SMTP client no one here wrote) delivers into a Mailstore host.</summary>
public sealed class SwaksTests
{
    [SkippableTheory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Swaks_DeliversToMailstore(bool pipelining, bool tls)
    {
        var swaks = ServiceEnvironment.RequireProgram("swaks");
        using var dir = new TempDirectory();
        var (cert, key) = TestCertificates.WritePem(Path.Combine(dir.Path, "tls"), "mailstore.test");
        using var host = HostFixture.BuildMailstore(new()
        {
            ["MtaKit:ServerName"] = "mailstore.test",
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:Listeners:smtp:Tls:CertificatePath"] = cert,
            ["MtaKit:Listeners:smtp:Tls:KeyPath"] = key,
        }, Path.Combine(dir.Path, "maildirs"));
        await host.StartAsync();
        try
        {
            var ep = host.EndPoint();
            var args = new List<string>
            {
                "--server", $"{ep.Address}:{ep.Port}", "--from", "alice@sender.test", "--to", "bob@example.test",
                "--helo", "client.test", "--header", "Subject: swaks test", "--body", "line one\n.line starting with a dot\n",
            };
            if (pipelining) args.Add("--pipeline");
            if (tls) args.Add("--tls");
            var (exit, output) = await ProcessRunner.RunAsync(swaks, args, TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, output);
            if (tls) Assert.Contains("TLS started", output, StringComparison.Ordinal);
            if (pipelining) Assert.Contains("PIPELINING", output, StringComparison.Ordinal);
            Assert.Matches(tls ? "<~  250 2.0.0 Ok: delivered as" : "<-  250 2.0.0 Ok: delivered as", output); // swaks marks TLS lines with ~
        }
        finally
        {
            await host.StopAsync();
        }

        var file = Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, "maildirs", "bob@example.test", "new")));
        var text = await File.ReadAllTextAsync(file);
        Assert.Contains("Subject: swaks test", text, StringComparison.Ordinal);
        Assert.Contains("\r\n.line starting with a dot\r\n", text, StringComparison.Ordinal);
        Assert.Contains(tls ? "with ESMTPS" : "with ESMTP id", text, StringComparison.Ordinal);
    }
}
