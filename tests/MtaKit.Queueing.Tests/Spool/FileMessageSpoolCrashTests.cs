using System.Text;

namespace MtaKit.Queueing.Tests.Spool;

// Crash consistency: kill the process (or cut the power) at every file-system operation of a
// store/update/delete sequence, recover, and check that every operation that completed survived,
// and that nothing half-done is visible.
public sealed class FileMessageSpoolCrashTests
{
    private const string Root = "/crash-spool";

    // legacy: message 0 and 1 are already in the spool in format 2 (.env + .msg, as a spool written by
    // an earlier build), so the update and the delete run on the old layout.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RecoverAsync_CrashAtEveryOperation_CompletedOperationsSurviveAndNothingIsTorn(bool legacy)
    {
        var ids = Enumerable.Range(0, 3).Select(_ => SpoolSamples.NewId()).ToArray();
        var clean = NewFileSystem(legacy, ids);
        await RunScenarioAsync(clean, ids, legacy);
        var total = clean.Operations;
        Assert.True(total > (legacy ? 8 : 15), $"scenario made only {total} operations");

        for (var crashAt = 0; crashAt <= total; crashAt++)
        {
            var fs = NewFileSystem(legacy, ids, crashAt);
            var completed = await RunScenarioAsync(fs, ids, legacy);
            foreach (var (label, survivors) in new[] { ("power loss", fs.AfterPowerLoss()), ("process kill", fs.AfterProcessKill()) })
            {
                var spool = new FileMessageSpool(Options, new CrashableFileSystem(files: survivors));
                var recovered = new Dictionary<QueueId, SpoolEntry>();
                await foreach (var entry in spool.RecoverAsync())
                {
                    recovered.Add(entry.Id, entry);
                    var content = await spool.OpenContentAsync(entry.Id);
                    using var reader = new StreamReader(content!.OpenRead());
                    Assert.Equal(Body(entry.Id), await reader.ReadToEndAsync());
                }

                var because = $"crash at operation {crashAt} of {total} ({label}), completed: {string.Join(", ", completed)}";
                Assert.True(recovered.Keys.All(ids.Contains), because);
                if (completed.Contains("store 0"))
                {
                    Assert.True(recovered.ContainsKey(ids[0]), because);
                    Assert.Contains(recovered[ids[0]].Attempts, completed.Contains("update 0") ? [5] : new[] { 0, 5 });
                }

                // A delete the crash interrupted may or may not have happened; one never begun has not.
                if (completed.Contains("store 1") && !completed.Contains("update 0"))
                {
                    Assert.True(recovered.ContainsKey(ids[1]), because);
                }

                // A completed delete holds after a process kill; after a power loss it may be undone (the
                // delete is lazy: durable with the directory's next fsync), resurrecting the whole entry
                // (its content was checked above): a duplicate delivery, never a loss.
                if (completed.Contains("delete 1") && label == "process kill")
                {
                    Assert.False(recovered.ContainsKey(ids[1]), because);
                }

                if (completed.Contains("store 2"))
                {
                    Assert.True(recovered.ContainsKey(ids[2]), because);
                }

                // A second recovery finds the same entries and nothing more to clean up.
                var again = new List<QueueId>();
                await foreach (var entry in spool.RecoverAsync())
                {
                    again.Add(entry.Id);
                }

                Assert.Equal(recovered.Keys.Order(), again.Order());
            }
        }
    }

    [Fact]
    public async Task DeleteAsync_PowerLossBeforeTheNextDirectoryFsync_ResurrectsTheWholeEntry()
    {
        var fs = new CrashableFileSystem();
        var spool = new FileMessageSpool(Options with { DirectoryCount = 1 }, fs);
        var id = SpoolSamples.NewId();
        await spool.StoreAsync(SpoolSamples.Entry(id), new BytesContent(Encoding.ASCII.GetBytes(Body(id))));

        Assert.True(await spool.DeleteAsync(id));

        // The process keeps running: the entry is gone. Power lost now: it is back, whole.
        Assert.Empty(await RecoverIdsAsync(fs.AfterProcessKill()));
        var survivors = fs.AfterPowerLoss();
        Assert.Equal([id], await RecoverIdsAsync(survivors));
        var again = new FileMessageSpool(Options with { DirectoryCount = 1 }, new CrashableFileSystem(files: survivors));
        await foreach (var _ in again.RecoverAsync())
        {
        }

        Assert.Equal(Body(id), await ReadAsync(again, id));
    }

    [Fact]
    public async Task DeleteAsync_ThenStoreInTheSameDirectory_TheStoresFsyncMakesTheDeleteDurable()
    {
        var fs = new CrashableFileSystem();
        var spool = new FileMessageSpool(Options with { DirectoryCount = 1 }, fs);
        var deleted = SpoolSamples.NewId();
        var stored = SpoolSamples.NewId();
        await spool.StoreAsync(SpoolSamples.Entry(deleted), new BytesContent(Encoding.ASCII.GetBytes(Body(deleted))));
        await spool.DeleteAsync(deleted);

        await spool.StoreAsync(SpoolSamples.Entry(stored), new BytesContent(Encoding.ASCII.GetBytes(Body(stored))));

        Assert.Equal([stored], await RecoverIdsAsync(fs.AfterPowerLoss()));
    }

    private static async Task<List<QueueId>> RecoverIdsAsync(Dictionary<string, byte[]> files)
    {
        var spool = new FileMessageSpool(Options with { DirectoryCount = 1 }, new CrashableFileSystem(files: files));
        var ids = new List<QueueId>();
        await foreach (var entry in spool.RecoverAsync())
        {
            ids.Add(entry.Id);
        }

        return ids;
    }

    private static async Task<string> ReadAsync(FileMessageSpool spool, QueueId id)
    {
        var content = await spool.OpenContentAsync(id);
        using var reader = new StreamReader(content!.OpenRead());
        return await reader.ReadToEndAsync();
    }

    private static FileMessageSpoolOptions Options => new() { Path = Root, DirectoryCount = 2 };

    private static string Body(QueueId id) => $"Subject: {id}\r\n\r\nbody of {id}\r\n";

    // A format 2 spool as an earlier build wrote it: entry and message file in the hashed directory.
    private static CrashableFileSystem NewFileSystem(bool legacy, QueueId[] ids, int crashAt = int.MaxValue)
    {
        if (!legacy)
        {
            return new CrashableFileSystem(crashAt);
        }

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var id in ids[..2])
        {
            var directory = Path.Combine(Root, "queue", ((int)(id.Value % 2u)).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            files[Path.Combine(directory, id + ".env")] = SpoolEntrySerializer.Serialize(SpoolSamples.Entry(id) with { Attempts = 0 });
            files[Path.Combine(directory, id + ".msg")] = Encoding.ASCII.GetBytes(Body(id));
        }

        return new CrashableFileSystem(crashAt, files);
    }

    private static async Task<List<string>> RunScenarioAsync(CrashableFileSystem fs, QueueId[] ids, bool legacy = false)
    {
        var completed = new List<string>();
        try
        {
            var spool = new FileMessageSpool(Options, fs);
            if (legacy)
            {
                completed.Add("store 0");
                completed.Add("store 1");
            }
            else
            {
                await spool.StoreAsync(SpoolSamples.Entry(ids[0]) with { Attempts = 0 }, new BytesContent(Encoding.ASCII.GetBytes(Body(ids[0]))));
                completed.Add("store 0");
                await spool.StoreAsync(SpoolSamples.Entry(ids[1]), new BytesContent(Encoding.ASCII.GetBytes(Body(ids[1]))));
                completed.Add("store 1");
            }

            await spool.UpdateAsync(SpoolSamples.Entry(ids[0]) with { Attempts = 5 });
            completed.Add("update 0");
            await spool.DeleteAsync(ids[1]);
            completed.Add("delete 1");
            await spool.StoreAsync(SpoolSamples.Entry(ids[2]), new BytesContent(Encoding.ASCII.GetBytes(Body(ids[2]))));
            completed.Add("store 2");
        }
        catch (IOException) when (fs.Crashed)
        {
            // The process died here.
        }

        return completed;
    }
}
