using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Hosting;
using MtaKit.Server;

namespace MtaKit.Interop.Tests;

/// <summary>
/// The InboundRelay sample's host (AddMtaKit + UsePassThroughRelay) built in process from key/value
/// configuration: one listener on a free loopback port, every *.port.test recipient routed to one
/// next hop. <c>downstreamChunking: false</c> makes the relay send DATA (dot-stuffed) even to a
/// next hop that offers CHUNKING (Postfix and Exim both do, so BDAT is the default path to them).
/// </summary>
internal sealed class RelayHost : IAsyncDisposable
{
    private readonly IHost _host;

    private RelayHost(IHost host) => _host = host;

    public IPEndPoint EndPoint => _host.Services.GetRequiredService<SmtpServerHost>().Server.GetEndPoint("smtp");

    public int Port => EndPoint.Port;

    public static async Task<RelayHost> StartAsync(int nextHopPort, Action<Dictionary<string, string?>>? configure = null, bool withAuthenticator = false, TimeProvider? time = null, bool downstreamChunking = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MtaKit:ServerName"] = "relay.interop.test",
            ["MtaKit:AnnounceListeners"] = "false",
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:Routing:Routes:0:Domains:0"] = "*.port.test",
            ["MtaKit:Routing:Routes:0:NextHops:0:Address"] = $"127.0.0.1:{nextHopPort}",
        };
        configure?.Invoke(settings);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        var mtakit = builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit")).UsePassThroughRelay(o => o with { Client = o.Client with { UseChunking = downstreamChunking } });
        if (withAuthenticator)
        {
            mtakit.UseAuthenticator<FixedAuthenticator>();
        }

        var host = builder.Build();
        await host.StartAsync();
        return new RelayHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>Accepts exactly alice / s3cret.</summary>
    private sealed class FixedAuthenticator : ISmtpAuthenticator
    {
        public ValueTask<bool> AuthenticateAsync(SmtpSession session, string userName, string password, CancellationToken cancellationToken)
            => new(userName == "alice" && password == "s3cret");
    }
}
