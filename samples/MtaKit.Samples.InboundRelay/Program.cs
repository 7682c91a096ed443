// The inbound relay sample: scan-before-accept without a queue. Each RCPT is answered with the
// next hop's own verdict, the message streams downstream after the data stages, and the client
// gets 250 only once a downstream server took the message. Fallback hosts take the transaction
// when no next hop is reachable.
//
//   dotnet run --project samples/MtaKit.Samples.InboundRelay -- \
//     --MtaKit:Listeners:smtp:Endpoint=127.0.0.1:2525 --MtaKit:Routing:Routes:0:Domains:0=example.test \
//     --MtaKit:Routing:Routes:0:NextHops:0:Address=127.0.0.1:2526 --MtaKit:Routing:FallbackHosts:0=127.0.0.1:2527
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Hosting;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
    .UsePassThroughRelay();

return await builder.Build().RunMtaKitAsync();
