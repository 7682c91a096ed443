// The Network sample: the whole demo network in one process (a Mailstore, two fallback tiers, two
// inbound relays, an outbound relay with submission and DKIM signing, each its own generic host),
// then demo traffic through it and a report that is checked against what the Maildirs and spools
// really hold.
//
//   dotnet run --project samples/MtaKit.Samples.Network               # run the demo, print the report
//   dotnet run --project samples/MtaKit.Samples.Network -- --serve    # then keep the network up for swaks
//   dotnet run --project samples/MtaKit.Samples.Network -- --dir ./run # keep Maildirs and spools there
using System.Runtime.InteropServices;
using MtaKit.Samples.Network;

var serve = args.Contains("--serve");
var dirIndex = Array.IndexOf(args, "--dir");
var options = new NetworkDemoOptions
{
    RunDirectory = dirIndex >= 0 && dirIndex + 1 < args.Length ? Path.GetFullPath(args[dirIndex + 1]) : null,
    Serve = serve,
};

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cts.Cancel();
});

var report = await NetworkDemo.RunAsync(options, Console.Out, cts.Token);
return report.AllAsExpected ? 0 : 1;
