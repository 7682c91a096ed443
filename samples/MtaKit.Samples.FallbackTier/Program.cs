// The FallbackTier sample: holds mail that could not be delivered at once. It spools every
// message durably before answering 250, retries by the tier's rules, hands a message to the next
// tier when its window (counted from its original arrival) ends, and at the last tier returns it
// to the sender as a DSN.
//
//   dotnet run --project samples/MtaKit.Samples.FallbackTier -- \
//     --MtaKit:Listeners:smtp:Endpoint=127.0.0.1:2527 --MtaKit:Queue:SpoolPath=./spool/tier1 \
//     --MtaKit:Queue:Tier:Window=06:00:00 --MtaKit:Queue:Tier:NextTier:0=127.0.0.1:2528 \
//     --MtaKit:Routing:Routes:0:Domains:0=example.test --MtaKit:Routing:Routes:0:NextHops:0:Address=127.0.0.1:2526
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Hosting;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
    .UseFallbackTier();

return await builder.Build().RunMtaKitAsync();
