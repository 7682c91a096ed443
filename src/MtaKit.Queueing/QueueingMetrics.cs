using System.Diagnostics.Metrics;

namespace MtaKit.Queueing;

// Instruments of the queueing package, on the shared "MtaKit" meter.
internal static class QueueingMetrics
{
    private static readonly Meter Meter = new("MtaKit");
    private static readonly Counter<long> Commits = Meter.CreateCounter<long>("mtakit.spool.commits", description: "Spool writes made durable.");
    private static readonly Counter<long> DirectoryFsyncs = Meter.CreateCounter<long>("mtakit.spool.directory_fsyncs", description: "Directory fsyncs made by the spool's group commit.");
    private static readonly Counter<long> LazyDeletes = Meter.CreateCounter<long>("mtakit.spool.lazy_deletes", description: "Spool entries removed without a directory fsync of their own (durable with the directory's next fsync).");
    private static readonly Counter<long> Suppressed = Meter.CreateCounter<long>("mtakit.queue.dsn_suppressed", description: "DSNs not sent because the sender was not validated at acceptance.");
    private static readonly Counter<long> Corrupt = Meter.CreateCounter<long>("mtakit.spool.corrupt_entries", description: "Unreadable spool entries set aside at recovery.");

    public static void SpoolCommitBatch(int commits, int directories)
    {
        Commits.Add(commits);
        DirectoryFsyncs.Add(directories);
    }

    public static void LazyDelete() => LazyDeletes.Add(1);

    public static void CorruptEntry() => Corrupt.Add(1);

    public static void DsnSuppressed(DsnKind kind) => Suppressed.Add(1, new KeyValuePair<string, object?>("kind", kind == DsnKind.Delay ? "delay" : "failure"));
}
