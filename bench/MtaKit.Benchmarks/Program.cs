using BenchmarkDotNet.Running;
using MtaKit.Benchmarks;

if (args.Length > 0 && args[0] == "alloc-profile")
{
    // MtaKit.Benchmarks alloc-profile [messages] [recipients]: the relay path's allocations by type (sampled).
    var messages = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5000;
    var bench = new RelayPathBenchmarks { Recipients = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1 };
    await bench.SetupAsync();
    for (var i = 0; i < 500; i++)
    {
        await bench.PersistentSession();
    }

    using var sampler = new AllocationSampler();
    var before = GC.GetTotalAllocatedBytes(precise: true);
    for (var i = 0; i < messages; i++)
    {
        await bench.PersistentSession();
    }

    var total = GC.GetTotalAllocatedBytes(precise: true) - before;
    await bench.CleanupAsync();
    Console.WriteLine($"{total / messages:N0} B per message over {messages:N0} messages; sampled by type (B per message):");
    foreach (var (type, bytes) in sampler.Top(40))
    {
        Console.WriteLine($"{bytes / messages,10:N0}  {type}");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
