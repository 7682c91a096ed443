using BenchmarkDotNet.Attributes;
using MtaKit.Queueing;

namespace MtaKit.Benchmarks;

/// <summary>
/// The scheduler with 100,000 and 1,000,000 queued messages: the cost of the operations a queue run does
/// (a binary heap: next-due O(1) peek, O(log n) reschedule). The setup prints the managed memory per queued
/// message (GC.GetTotalMemory before and after filling, ids held outside the scheduler excluded).
/// </summary>
[MemoryDiagnoser]
public class SchedulerBenchmarks
{
    private QueueScheduler _scheduler = null!;
    private QueueId[] _ids = [];
    private int _next;

    [Params(100_000, 1_000_000)]
    public int Queued { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _scheduler = new QueueScheduler(TimeProvider.System);
        var random = new Random(1);
        _ids = [.. Enumerable.Range(0, Queued + 1024).Select(_ => QueueId.NewId(TimeProvider.System, random))];
        var now = DateTimeOffset.UtcNow;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < Queued; i++)
        {
            _scheduler.Schedule(_ids[i], now.AddSeconds(random.Next(1, 86_400)));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"// scheduler memory: {(after - before) / (double)Queued:F1} bytes per queued message at {Queued:N0}");
    }

    [Benchmark(Description = "reschedule one message (remove + insert, O(log n))")]
    public bool Reschedule()
    {
        var id = _ids[_next++ % Queued];
        _scheduler.Schedule(id, DateTimeOffset.UtcNow.AddSeconds(_next % 86_400 + 1));
        return _scheduler.TryPeek(out _, out _);
    }

    [Benchmark(Description = "peek next due")]
    public bool PeekNextDue() => _scheduler.TryPeek(out _, out _);
}

/// <summary>Durable spool writes (message + envelope, fsync of files and directory) on the real disk.</summary>
public class SpoolWriteBenchmarks
{
    private FileMessageSpool _spool = null!;
    private string _path = "";
    private IMessageContent _content = null!;

    [Params(1, 16)]
    public int Concurrent { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), "mtakit-bench-spool-" + Guid.NewGuid().ToString("N")[..8]);
        _spool = new FileMessageSpool(new FileMessageSpoolOptions { Path = _path });
        _content = MessageContent.FromBytes(System.Text.Encoding.ASCII.GetBytes("Subject: bench\r\n\r\n" + new string('x', 5000) + "\r\n"));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_path, recursive: true);

    [Benchmark(Description = "store (fsynced) per batch of concurrent messages")]
    public Task Store() => StoreBatchAsync(delete: false);

    // The tier's path for a message delivered at its first attempt: stored durably, then removed.
    [Benchmark(Description = "store (fsynced) then delete, per batch of concurrent messages")]
    public Task StoreThenDelete() => StoreBatchAsync(delete: true);

    private async Task StoreBatchAsync(bool delete)
    {
        var now = DateTimeOffset.UtcNow;
        var tasks = new Task[Concurrent];
        for (var i = 0; i < Concurrent; i++)
        {
            var entry = new SpoolEntry
            {
                Id = QueueId.NewId(TimeProvider.System, Random.Shared),
                Envelope = new SpoolEnvelope { ReversePath = "a@example.com", Recipients = [new SpoolRecipient { Address = "b@example.net" }] },
                OriginalArrival = now,
                TierArrival = now,
                NextAttempt = now,
            };
            tasks[i] = StoreOneAsync(entry, delete);
        }

        await Task.WhenAll(tasks);
    }

    private async Task StoreOneAsync(SpoolEntry entry, bool delete)
    {
        await _spool.StoreAsync(entry, _content);
        if (delete)
        {
            await _spool.DeleteAsync(entry.Id);
        }
    }
}
