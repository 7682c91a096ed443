namespace MtaKit.Queueing.Tests.Spool;

public sealed class FileMessageSpoolOrderingTests
{
    private const string Root = "/spool-under-test";

    [Fact]
    public async Task StoreAsync_Single_CompletesAfterFileAndDirectoryFsync()
    {
        var fs = new RecordingFileSystem();
        var spool = new FileMessageSpool(new FileMessageSpoolOptions { Path = Root, DirectoryCount = 4 }, fs);
        var entry = SpoolSamples.Entry();

        await spool.StoreAsync(entry, new BytesContent("Subject: x\r\n\r\nbody\r\n"u8.ToArray()));
        fs.Record("done " + entry.Id);

        AssertDurableBeforeDone(fs.Log, entry.Id);
    }

    [Fact]
    public async Task StoreAsync_Concurrent_EachCompletesAfterTheFsyncsCoveringIt()
    {
        var fs = new RecordingFileSystem();
        var spool = new FileMessageSpool(new FileMessageSpoolOptions { Path = Root, DirectoryCount = 2 }, fs);
        var entries = Enumerable.Range(0, 40).Select(_ => SpoolSamples.Entry()).ToList();

        await Task.WhenAll(entries.Select(async e =>
        {
            await Task.Yield();
            await spool.StoreAsync(e, new BytesContent([1, 2, 3]));
            fs.Record("done " + e.Id);
        }));

        foreach (var e in entries)
        {
            AssertDurableBeforeDone(fs.Log, e.Id);
        }
    }

    [Fact]
    public async Task UpdateAsync_FirstUpdate_MovesOutOfIncomingAndCompletesAfterTheHashedDirectoryFsync()
    {
        var fs = new RecordingFileSystem();
        var spool = new FileMessageSpool(new FileMessageSpoolOptions { Path = Root, DirectoryCount = 1 }, fs);
        var entry = SpoolSamples.Entry();
        await spool.StoreAsync(entry, new BytesContent([1, 2, 3]));

        Assert.True(await spool.UpdateAsync(entry with { Attempts = 1 }));
        fs.Record("done");

        var log = fs.Log.ToList();
        var hashed = Root + "/queue/00";
        var moveQueueFile = log.IndexOf($"move {Root}/queue/incoming/{entry.Id}.q {hashed}/{entry.Id}.q");
        var moveUpdate = log.FindIndex(l => l.StartsWith("move ", StringComparison.Ordinal) && l.EndsWith($"{hashed}/{entry.Id}.upd", StringComparison.Ordinal));
        var updateFsync = log.IndexOf("fsync " + log[moveUpdate].Split(' ')[1]);
        var hashedFsync = log.LastIndexOf("fsyncdir " + hashed);
        Assert.True(updateFsync >= 0 && updateFsync < moveUpdate, "the update was renamed before its fsync");
        Assert.True(moveQueueFile >= 0 && moveQueueFile < moveUpdate, "the update appeared before its queue file moved beside it");
        Assert.True(hashedFsync > moveUpdate && hashedFsync < log.IndexOf("done"), "the update completed before the fsync of the hashed directory");
    }

    [Fact]
    public async Task CommitAsync_OneBatchOverSeveralDirectories_FsyncsTheLastDirectoryAfterTheOthers()
    {
        var fs = new RecordingFileSystem();
        using var gate = new FirstFsyncGate(fs);
        var commit = new SpoolGroupCommit(fs, "/in");
        var first = commit.CommitAsync(new SpoolCommit("/in", [SpoolCommitStep.Delete("/in/a")]));
        Assert.True(gate.Entered.Wait(TimeSpan.FromSeconds(30)));

        // One batch: a store into /in queued before a move out of /in into /h.
        var store = commit.CommitAsync(new SpoolCommit("/in", [SpoolCommitStep.Delete("/in/b")]));
        var move = commit.CommitAsync(new SpoolCommit("/h", [SpoolCommitStep.Delete("/h/c")]));
        gate.Release.Set();
        await Task.WhenAll(first, store, move);

        Assert.Equal(["fsyncdir /in", "delete /in/b", "delete /h/c", "fsyncdir /h", "fsyncdir /in"], fs.Log.Where(l => l != "delete /in/a"));
    }

    [Fact]
    public async Task DeleteAsync_Stored_UnlinksWithoutAnyFsync()
    {
        var fs = new RecordingFileSystem();
        var spool = new FileMessageSpool(new FileMessageSpoolOptions { Path = Root, DirectoryCount = 4 }, fs);
        var entry = SpoolSamples.Entry();
        await spool.StoreAsync(entry, new BytesContent([1, 2, 3]));
        var before = fs.Log.Count;

        Assert.True(await spool.DeleteAsync(entry.Id));

        var deleteOps = fs.Log.Skip(before).ToList();
        Assert.DoesNotContain(deleteOps, l => l.StartsWith("fsync", StringComparison.Ordinal));
        Assert.Contains(deleteOps, l => l.StartsWith("delete ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CommitAsync_ArrivingDuringAnFsync_ShareTheNextDirectoryFsync()
    {
        var fs = new RecordingFileSystem();
        using var gate = new FirstFsyncGate(fs);
        var commit = new SpoolGroupCommit(fs);
        fs.CreateFile("/d/a").Dispose();
        var first = commit.CommitAsync(new SpoolCommit("/d", [SpoolCommitStep.Delete("/d/a")]));
        Assert.True(gate.Entered.Wait(TimeSpan.FromSeconds(30)));

        var followers = Enumerable.Range(0, 5)
            .Select(i => commit.CommitAsync(new SpoolCommit("/d", [SpoolCommitStep.Delete($"/d/f{i}")])))
            .ToList();
        Assert.False(first.IsCompleted);
        Assert.All(followers, f => Assert.False(f.IsCompleted));
        gate.Release.Set();
        await first;
        await Task.WhenAll(followers);

        // One fsync for the first commit, one shared by the five that queued behind it.
        Assert.Equal(2, fs.Log.Count(l => l.StartsWith("fsyncdir ", StringComparison.Ordinal)));
        var log = fs.Log;
        var secondFsync = log.ToList().FindLastIndex(l => l.StartsWith("fsyncdir ", StringComparison.Ordinal));
        for (var i = 0; i < 5; i++)
        {
            Assert.True(log.ToList().IndexOf($"delete /d/f{i}") < secondFsync);
        }
    }

    [Fact]
    public async Task CommitAsync_DirectoryFsyncFails_FaultsTheCommitsItCovered()
    {
        var fs = new RecordingFileSystem { BeforeFlushDirectory = _ => throw new IOException("disk gone") };
        var commit = new SpoolGroupCommit(fs);
        var ex = await Assert.ThrowsAsync<IOException>(() => commit.CommitAsync(new SpoolCommit("/d", [SpoolCommitStep.Delete("/d/x")])));
        Assert.Equal("disk gone", ex.Message);
    }

    [Fact]
    public async Task CommitAsync_StepThrowsUnexpectedly_FailsThatCommitAndKeepsServingOthers()
    {
        var fs = new RecordingFileSystem();
        var commit = new SpoolGroupCommit(fs);

        // The fake throws KeyNotFoundException for a missing source: not an I/O fault, still contained.
        await Assert.ThrowsAsync<KeyNotFoundException>(() => commit.CommitAsync(new SpoolCommit("/d", [SpoolCommitStep.Move("/d/missing", "/d/x")])));
        await commit.CommitAsync(new SpoolCommit("/d", [SpoolCommitStep.Delete("/d/y")])).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["delete /d/y", "fsyncdir /d"], fs.Log);
    }

    private static void AssertDurableBeforeDone(IReadOnlyList<string> log, QueueId id)
    {
        var list = log.ToList();
        var done = list.IndexOf("done " + id);
        Assert.True(done > 0, "store did not complete");
        foreach (var ext in new[] { ".q" })
        {
            var move = list.FindIndex(l => l.StartsWith("move ", StringComparison.Ordinal) && l.EndsWith("/" + id + ext, StringComparison.Ordinal));
            Assert.True(move >= 0, $"{ext} never renamed into place");
            var temp = list[move].Split(' ')[1];
            var fsync = list.IndexOf("fsync " + temp);
            Assert.True(fsync >= 0 && fsync < move, $"{ext} renamed before its fsync");
            var directory = Path.GetDirectoryName(temp)!;
            var dirFsync = list.FindIndex(move, l => l == "fsyncdir " + directory);
            Assert.True(dirFsync > move && dirFsync < done, $"{ext}: store completed before the directory fsync that covers its rename");
        }
    }

    // Holds the first directory fsync until released, so that commits arriving meanwhile form one batch.
    private sealed class FirstFsyncGate : IDisposable
    {
        private int calls;

        public FirstFsyncGate(RecordingFileSystem fs)
        {
            fs.BeforeFlushDirectory = _ =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    Entered.Set();
                    Release.Wait(TimeSpan.FromSeconds(30));
                }
            };
        }

        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public void Dispose()
        {
            Release.Set();
            Entered.Dispose();
            Release.Dispose();
        }
    }
}
