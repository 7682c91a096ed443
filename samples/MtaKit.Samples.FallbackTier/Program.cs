// The FallbackTier sample: holds mail that could not be delivered at once. It spools every
// message durably before answering 250, retries by the tier's rules, hands a message to the next
// tier when its window (counted from its original arrival) ends, and at the last tier returns it
// to the sender as a DSN.
//
//   dotnet run --project samples/MtaKit.Samples.FallbackTier -- \
//     --MtaKit:Listeners:smtp:Endpoint=127.0.0.1:2527 --MtaKit:Queue:SpoolPath=./spool/tier1 \
//     --MtaKit:Queue:Tier:Window=06:00:00 --MtaKit:Queue:Tier:NextTier:0=127.0.0.1:2528 \
//     --MtaKit:Routing:Routes:0:Domains:0=example.test --MtaKit:Routing:Routes:0:NextHops:0:Address=127.0.0.1:2526
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Hosting;
using MtaKit.Samples.FallbackTier;

// Queue administration: `... -- queue list|show ID|retry ID|freeze ID|thaw ID|remove ID --MtaKit:Queue:SpoolPath=...`
// talks to the running tier over <SpoolPath>/control.sock (owner only).
if (args.Length > 0 && args[0] == "queue")
{
    var spool = args.FirstOrDefault(a => a.StartsWith("--MtaKit:Queue:SpoolPath=", StringComparison.Ordinal))?.Split('=', 2)[1] ?? "./spool/tier1";
    return await QueueControl.RunClientAsync(spool, [.. args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal))], Console.Out);
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

// A custom tier policy, chosen by name: --MtaKit:Queue:Tier:Policy=BusinessHours (the default is "Default").
var hours = builder.Configuration.GetSection("BusinessHours");
var businessHours = new BusinessHoursTierPolicy
{
    Opens = hours.GetValue("Opens", new TimeOnly(8, 0)),
    Closes = hours.GetValue("Closes", new TimeOnly(18, 0)),
    UtcOffset = hours.GetValue("UtcOffset", TimeSpan.Zero),
};

builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
    .UseFallbackTier()
    .AddTierPolicy(businessHours);

return await builder.Build().RunMtaKitAsync();
