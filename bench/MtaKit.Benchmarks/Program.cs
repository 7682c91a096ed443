using BenchmarkDotNet.Running;
using MtaKit.Benchmarks;

if (args.Length > 0 && args[0] is "alloc-profile" or "alloc-profile-stages")
{
    // MtaKit.Benchmarks alloc-profile [messages] [recipients] [connection]: the relay path's allocations by type (sampled),
    // on a persistent session or (with "connection") one connection per message.
    // MtaKit.Benchmarks alloc-profile-stages [messages] [connection]: the same with the load harness's benchmark
    // stage set, on a persistent session or (with "connection") one connection per message.
    var messages = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5000;
    Func<ValueTask> send;
    Func<Task> cleanup;
    if (args[0] == "alloc-profile")
    {
        var bench = new RelayPathBenchmarks { Recipients = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1 };
        await bench.SetupAsync();
        (send, cleanup) = (args.Length > 3 && args[3] == "connection" ? bench.ConnectionPerMessage : bench.PersistentSession, bench.CleanupAsync);
    }
    else
    {
        var bench = new RelayStageSetBenchmarks();
        await bench.SetupAsync();
        (send, cleanup) = (args.Length > 2 && args[2] == "connection" ? bench.ConnectionPerMessage : bench.PersistentSession, bench.CleanupAsync);
    }

    for (var i = 0; i < 500; i++)
    {
        await send();
    }

    // totals without the sampler (its event processing costs CPU and allocates), then the sampled pass
    var before = GC.GetTotalAllocatedBytes(precise: true);
    var cpu = Environment.CpuUsage.TotalTime;
    for (var i = 0; i < messages; i++)
    {
        await send();
    }

    var total = GC.GetTotalAllocatedBytes(precise: true) - before;
    var cpuPerMessage = (Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / messages;
    using var sampler = new AllocationSampler();
    for (var i = 0; i < messages; i++)
    {
        await send();
    }

    await cleanup();
    Console.WriteLine($"{total / messages:N0} B per message over {messages:N0} messages, {cpuPerMessage:N0} us CPU per message (process: client, relay and sink); sampled by type (B per message):");
    foreach (var (type, bytes) in sampler.Top(40))
    {
        Console.WriteLine($"{bytes / messages,10:N0}  {type}");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
