// The load harness's MtaKit host (bench/load/run.sh). One binary, three roles, chosen by the first argument:
//
//   relay  the inbound pass-through relay with the benchmark stage set pinned in bench/load/relay.json:
//          DNSBL against a local static zone (bench/load/bench.zone, no network DNS), the embedded scanners,
//          relay control (RelayNetworks 127.0.0.0/8), no greeting pause. As samples/MtaKit.Samples.InboundRelay
//          plus the stages.
//   bare   the relay without stages (exactly samples/MtaKit.Samples.InboundRelay): what the stages cost.
//   tier   the fallback tier (fsync before 250, then delivery by the queue runner), configured by
//          bench/load/tier.json; as samples/MtaKit.Samples.FallbackTier.
//
// Every further argument is a configuration override (--MtaKit:Listeners:smtp:Endpoint=127.0.0.1:2525 ...).
// The JSON files named by --config=PATH are read first, in the order given (a later file overrides keys of an
// earlier one: peer mtakit-scan runs `relay --config=relay.json --config=relay-scan.json`, the benchmark stage
// set plus clamd and spamd endpoints).
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Hosting;

if (args.Length == 0 || args[0] is not ("relay" or "bare" or "tier"))
{
    await Console.Error.WriteLineAsync("usage: MtaKit.LoadHost relay|bare|tier --config=PATH [--config=PATH ...] [--Key=Value ...]");
    return 2;
}

MtaKit.LoadHost.BenchStats.StartIfRequested();
var role = args[0];
var rest = args.Skip(1).ToArray();
var configPaths = rest.Where(a => a.StartsWith("--config=", StringComparison.Ordinal)).Select(a => a.Split('=', 2)[1]).ToArray();
var overrides = rest.Where(a => !a.StartsWith("--config=", StringComparison.Ordinal)).ToArray();

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    DisableDefaults = false,
    ContentRootPath = AppContext.BaseDirectory,
});
foreach (var configPath in configPaths)
{
    builder.Configuration.AddJsonFile(Path.GetFullPath(configPath), optional: false);
}

builder.Configuration.AddCommandLine(overrides);

var mtaKit = builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"));
if (role == "relay")
{
    mtaKit.UseDnsbl().UseScanning().UsePassThroughRelay();
}
else if (role == "bare")
{
    mtaKit.UsePassThroughRelay();
}
else
{
    mtaKit.UseFallbackTier();
}

return await builder.Build().RunMtaKitAsync();
