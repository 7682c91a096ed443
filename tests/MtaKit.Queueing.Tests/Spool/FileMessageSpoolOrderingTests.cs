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
        using var firstFsyncEntered = new ManualResetEventSlim();
        using var releaseFirstFsync = new ManualResetEventSlim();
        var calls = 0;
        fs.BeforeFlushDirectory = _ =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                firstFsyncEntered.Set();
                releaseFirstFsync.Wait(TimeSpan.FromSeconds(30));
            }
        };
        var commit = new SpoolGroupCommit(fs);
        fs.CreateFile("/d/a").Dispose();
        var first = commit.CommitAsync(new SpoolCommit("/d", [SpoolCommitStep.Delete("/d/a")]));
        Assert.True(firstFsyncEntered.Wait(TimeSpan.FromSeconds(30)));

        var followers = Enumerable.Range(0, 5)
            .Select(i => commit.CommitAsync(new SpoolCommit("/d", [SpoolCommitStep.Delete($"/d/f{i}")])))
            .ToList();
        Assert.False(first.IsCompleted);
        Assert.All(followers, f => Assert.False(f.IsCompleted));
        releaseFirstFsync.Set();
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
        foreach (var ext in new[] { ".msg", ".env" })
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
}
