using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Handlers.Maildir;
using MtaKit.Routing;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests;

/// <summary>The README's custom-stage example compiles (it is this project's ReadmeExample.cs) and works.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void Readme_ContainsTheCompiledExample()
    {
        var root = RepositoryPaths.Root;
        var source = File.ReadAllText(Path.Combine(root, "tests", "MtaKit.Hosting.Tests", "ReadmeExample.cs"));
        var example = Between(source, "// README-EXAMPLE-START\n", "// README-EXAMPLE-END");
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        Assert.Contains(example.Trim(), readme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DenySenders_RejectsDeniedDomainAtMail()
    {
        using var dir = new TempDirectory();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0" });
        var domains = new List<DomainPattern> { DomainPattern.Parse("example.test") };
        builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
            .UseStage(new DenySenders(new HashSet<string> { "spammer.test" }))
            .UseMessageHandler(_ => new MaildirMessageHandler(new MaildirOptions { Root = dir.Path, Domains = domains }))
            .UseRelayControl(_ => new RelayControl(new RelayControlOptions { LocalDomains = domains }));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await using var c = await RawSmtpClient.ConnectAsync(host.EndPoint());
            await c.ReadReplyAsync();
            await c.CommandAsync("EHLO client.test");
            Assert.Equal("550 5.7.1 Mail from spammer.test is not accepted here", await c.CommandAsync("MAIL FROM:<x@SPAMMER.test>"));
            Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<x@friend.test>"));
        }
        finally
        {
            await host.StopAsync();
        }
    }


    private static string Between(string text, string start, string end)
    {
        var s = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[s..text.IndexOf(end, s, StringComparison.Ordinal)];
    }
}
