using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Handlers.Maildir;
using MtaKit.Hosting;
using MtaKit.Routing;

namespace MtaKit.Hosting.Tests;

/// <summary>Builds a real host from key/value configuration, the way a sample's Program.cs does.</summary>
internal static class HostFixture
{
    public static IHost BuildMailstore(Dictionary<string, string?> settings, string maildirRoot)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        var domains = new List<DomainPattern> { DomainPattern.Parse("example.test") };
        builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
            .UseMessageHandler(_ => new MaildirMessageHandler(new MaildirOptions { Root = maildirRoot, Domains = domains }))
            .UseRelayControl(_ => new RelayControl(new RelayControlOptions { LocalDomains = domains }));
        return builder.Build();
    }

    public static System.Net.IPEndPoint EndPoint(this IHost host, string listener = "smtp")
        => host.Services.GetRequiredService<SmtpServerHost>().Server.GetEndPoint(listener);
}
