using System.Globalization;

namespace MtaKit.LoadHost;

/// <summary>
/// When <c>MTAKIT_BENCH_STATS</c> names a file, writes the process's managed allocation total
/// (<see cref="GC.GetTotalAllocatedBytes(bool)"/>, exact) and GC counts to it every 100 ms, one line
/// <c>allocated_bytes gen0 gen1 gen2</c>, replaced atomically. lib/measure.sh reads it before and after
/// the timed batch: the difference over the batch's messages is the relay's managed allocation per message
/// as the load harness runs it (stages, connection per message, real sockets).
/// </summary>
internal static class BenchStats
{
    public static void StartIfRequested()
    {
        var path = Environment.GetEnvironmentVariable("MTAKIT_BENCH_STATS");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        var thread = new Thread(() => Loop(path)) { IsBackground = true, Name = "bench-stats" };
        thread.Start();
    }

    private static void Loop(string path)
    {
        var temp = path + ".tmp";
        while (true)
        {
            var line = string.Create(
                CultureInfo.InvariantCulture,
                $"{GC.GetTotalAllocatedBytes(precise: true)} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)}\n");
            File.WriteAllText(temp, line);
            File.Move(temp, path, overwrite: true);
            Thread.Sleep(100);
        }
    }
}
