using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MtaKit.Testing;
using Xunit.Abstractions;

namespace MtaKit.Queueing.Tests.Spool;

public sealed class FileMessageSpoolTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task StoreAsync_ThenLoadAndOpenContent_ReturnsEntryAndExactBytes()
    {
        var spool = CreateSut();
        var entry = SpoolSamples.Entry();
        var bytes = new byte[300_000];
        new Random(3).NextBytes(bytes);
        "Subject: x\r\n\r\n.\r\n\0\r"u8.CopyTo(bytes);

        await spool.StoreAsync(entry, new BytesContent(bytes));

        SpoolSamples.AssertSame(entry, (await spool.LoadAsync(entry.Id))!);
        var content = await spool.OpenContentAsync(entry.Id);
        Assert.NotNull(content);
        Assert.Equal(bytes.Length, content.Length);
        using var stream = content.OpenRead();
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task StoreAsync_ExistingId_FailsAndKeepsTheFirst()
    {
        var spool = CreateSut();
        var entry = SpoolSamples.Entry();
        await spool.StoreAsync(entry, new BytesContent("first"u8.ToArray()));

        await Assert.ThrowsAsync<IOException>(async () => await spool.StoreAsync(entry, new BytesContent("second"u8.ToArray())));

        Assert.Equal("first", await ReadContentAsync(spool, entry.Id));
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task StoreAsync_Cancelled_LeavesNothingBehind()
    {
        var spool = CreateSut();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var entry = SpoolSamples.Entry();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await spool.StoreAsync(entry, new BytesContent([1]), cts.Token));

        Assert.Null(await spool.LoadAsync(entry.Id));
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task UpdateAsync_Existing_ReplacesEnvelopeAndKeepsContent()
    {
        var spool = CreateSut();
        var entry = SpoolSamples.Entry();
        await spool.StoreAsync(entry, new BytesContent("body"u8.ToArray()));
        var updated = entry with { Attempts = 3, LastError = "421 4.3.2 going away", Frozen = true };

        Assert.True(await spool.UpdateAsync(updated));

        SpoolSamples.AssertSame(updated, (await spool.LoadAsync(entry.Id))!);
        Assert.Equal("body", await ReadContentAsync(spool, entry.Id));
    }

    [Fact]
    public async Task UpdateAsync_Missing_ReturnsFalseAndWritesNothing()
    {
        var spool = CreateSut();
        var entry = SpoolSamples.Entry();

        Assert.False(await spool.UpdateAsync(entry));

        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesBothFiles()
    {
        var spool = CreateSut();
        var entry = SpoolSamples.Entry();
        await spool.StoreAsync(entry, new BytesContent("body"u8.ToArray()));

        Assert.True(await spool.DeleteAsync(entry.Id));
        Assert.False(await spool.DeleteAsync(entry.Id));

        Assert.Null(await spool.LoadAsync(entry.Id));
        Assert.Null(await spool.OpenContentAsync(entry.Id));
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task RecoverAsync_AfterCrashLeftovers_ReloadsGoodEntriesAndSetsAsideCorruptOnes()
    {
        var spool = CreateSut();
        var good = Enumerable.Range(0, 5).Select(_ => SpoolSamples.Entry()).ToList();
        foreach (var e in good)
        {
            await spool.StoreAsync(e, new BytesContent(Encoding.ASCII.GetBytes("message " + e.Id)));
        }

        var queueDir = Path.Combine(temp.Path, "queue", "00");
        var garbage = SpoolSamples.NewId();
        await File.WriteAllTextAsync(Path.Combine(queueDir, garbage + ".env"), "MTAKIT-SPOOL 1\n{\"id\":");
        await File.WriteAllTextAsync(Path.Combine(queueDir, garbage + ".msg"), "x");
        var future = SpoolSamples.NewId();
        await File.WriteAllTextAsync(Path.Combine(queueDir, future + ".env"), "MTAKIT-SPOOL 9\n{}");
        var noMessage = SpoolSamples.Entry();
        await File.WriteAllBytesAsync(Path.Combine(queueDir, noMessage.Id + ".env"), SpoolEntrySerializer.Serialize(noMessage));
        var orphan = Path.Combine(queueDir, SpoolSamples.NewId() + ".msg");
        await File.WriteAllTextAsync(orphan, "orphan");
        var halfWritten = Path.Combine(queueDir, SpoolSamples.NewId() + ".env.17.tmp");
        await File.WriteAllTextAsync(halfWritten, "MTAKIT-SP");

        var logger = new FakeLogger<FileMessageSpool>();
        var recovered = new List<SpoolEntry>();
        await foreach (var e in new FileMessageSpool(new FileMessageSpoolOptions { Path = temp.Path, DirectoryCount = 1 }, logger: logger).RecoverAsync())
        {
            recovered.Add(e);
        }

        Assert.Equal(good.Select(e => e.Id).Order(), recovered.Select(e => e.Id).Order());
        Assert.False(File.Exists(halfWritten));
        Assert.False(File.Exists(orphan));
        var corrupt = Directory.EnumerateFiles(Path.Combine(temp.Path, "corrupt")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(new[] { $"00-{future}.env", $"00-{garbage}.env", $"00-{garbage}.msg", $"00-{noMessage.Id}.env" }.Order(), corrupt);
        foreach (var e in good)
        {
            Assert.Equal("message " + e.Id, await ReadContentAsync(spool, e.Id));
        }

        var corruptLogs = logger.Collector.GetSnapshot().Where(r => r.Id.Id == 3101).ToList();
        Assert.Equal(3, corruptLogs.Count);
        Assert.All(corruptLogs, r => Assert.Equal(LogLevel.Error, r.Level));
        Assert.Contains(corruptLogs, r => r.Message.Contains("version 9 is not supported", StringComparison.Ordinal));
        Assert.Contains(corruptLogs, r => r.Message.Contains("the message file is missing", StringComparison.Ordinal));
        Assert.Equal(2, logger.Collector.GetSnapshot().Count(r => r.Id.Id == 3102));
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 3103 && r.Message.StartsWith("Spool recovery found 5 queued messages", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StoreAsync_New_IsOneQueueFileInIncoming_FirstUpdateMovesItToItsHashedDirectory()
    {
        var spool = CreateSut();
        var entry = SpoolSamples.Entry();
        await spool.StoreAsync(entry, new BytesContent("body"u8.ToArray()));
        Assert.Equal([$"incoming/{entry.Id}.q"], Files());

        Assert.True(await spool.UpdateAsync(entry with { Attempts = 1 }));
        Assert.Equal([$"00/{entry.Id}.q", $"00/{entry.Id}.upd"], Files());
        Assert.True(await spool.UpdateAsync(entry with { Attempts = 2 }));

        Assert.Equal(2, (await spool.LoadAsync(entry.Id))!.Attempts);
        Assert.Equal("body", await ReadContentAsync(spool, entry.Id));
        var recovered = new List<SpoolEntry>();
        await foreach (var e in CreateSut().RecoverAsync())
        {
            recovered.Add(e);
        }

        Assert.Equal(2, Assert.Single(recovered).Attempts);
        Assert.True(await spool.DeleteAsync(entry.Id));
        Assert.Empty(Files());
    }

    [Fact]
    public async Task OpenContentAsync_QueueFile_StreamShowsOnlyTheMessage()
    {
        var spool = CreateSut();
        var entry = SpoolSamples.Entry();
        await spool.StoreAsync(entry, new BytesContent("Subject: x\r\n\r\nbody\r\n"u8.ToArray()));

        var content = (await spool.OpenContentAsync(entry.Id))!;
        using var stream = content.OpenRead();

        Assert.Equal(content.Length, stream.Length);
        Assert.Equal(0, stream.Position);
        stream.Position = 10;
        var buffer = new byte[100];
        Assert.Equal(content.Length - 10, await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false));
        Assert.Equal("\r\n\r\nbody\r\n", Encoding.ASCII.GetString(buffer, 0, (int)content.Length - 10));
        Assert.Equal(0, await stream.ReadAsync(buffer));
    }

    // A spool written by the previous build (format 2: .env + .msg in the hashed directory) is recovered,
    // updated in place and delivered (deleted) by this one: nothing stranded.
    [Fact]
    public async Task RecoverAsync_Version2Spool_IsReadUpdatedAndDeleted()
    {
        var queueDir = Path.Combine(temp.Path, "queue", "00");
        Directory.CreateDirectory(queueDir);
        var old = SpoolSamples.Entry();
        await File.WriteAllBytesAsync(Path.Combine(queueDir, old.Id + ".env"), SpoolEntrySerializer.Serialize(old));
        await File.WriteAllTextAsync(Path.Combine(queueDir, old.Id + ".msg"), "old body");
        var v1 = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Spool", "Samples", "entry-v1.env"));
        var v1Id = SpoolEntrySerializer.Deserialize(v1).Id;
        await File.WriteAllBytesAsync(Path.Combine(queueDir, v1Id + ".env"), v1);
        await File.WriteAllTextAsync(Path.Combine(queueDir, v1Id + ".msg"), "v1 body");
        var spool = CreateSut();
        var fresh = SpoolSamples.Entry();
        await spool.StoreAsync(fresh, new BytesContent("new body"u8.ToArray()));

        var recovered = new List<SpoolEntry>();
        await foreach (var e in spool.RecoverAsync())
        {
            recovered.Add(e);
        }

        Assert.Equal(new[] { old.Id, v1Id, fresh.Id }.Order(), recovered.Select(e => e.Id).Order());
        SpoolSamples.AssertSame(old, recovered.Single(e => e.Id == old.Id));
        Assert.Equal("old body", await ReadContentAsync(spool, old.Id));
        Assert.Equal("v1 body", await ReadContentAsync(spool, v1Id));
        Assert.True(await spool.UpdateAsync(old with { Attempts = 4 }));
        Assert.Equal(4, (await spool.LoadAsync(old.Id))!.Attempts);
        Assert.Contains($"00/{old.Id}.env", Files());
        Assert.True(await spool.DeleteAsync(old.Id));
        Assert.True(await spool.DeleteAsync(v1Id));
        Assert.True(await spool.DeleteAsync(fresh.Id));
        Assert.Empty(Files());
    }

    [Fact]
    public async Task RecoverAsync_QueueFileLeftovers_KeepsTheEntryOnceAndSetsAsideCorruptOnes()
    {
        var options = new FileMessageSpoolOptions { Path = temp.Path, DirectoryCount = 2 };
        var spool = new FileMessageSpool(options);
        var moved = SpoolSamples.Entry(NewIdInDirectory(0, of: 2));
        await spool.StoreAsync(moved, new BytesContent("moved"u8.ToArray()));
        await spool.UpdateAsync(moved with { Attempts = 3 });
        var incoming = Path.Combine(temp.Path, "queue", "incoming");
        var hashed = Path.Combine(temp.Path, "queue", "00");

        // The old name of a moved queue file that a power loss kept, an envelope whose queue file a
        // delete already removed, a truncated queue file, and one in the wrong hashed directory.
        File.Copy(Path.Combine(hashed, moved.Id + ".q"), Path.Combine(incoming, moved.Id + ".q"));
        var orphanUpdate = Path.Combine(hashed, SpoolSamples.NewId() + ".upd");
        await File.WriteAllBytesAsync(orphanUpdate, SpoolEntrySerializer.Serialize(SpoolSamples.Entry()));
        var truncated = SpoolSamples.Entry();
        await File.WriteAllBytesAsync(Path.Combine(incoming, truncated.Id + ".q"), SpoolEntrySerializer.SerializeQueueFileHead(truncated)[..40]);
        var misplaced = SpoolSamples.Entry(NewIdInDirectory(1, of: 2));
        await File.WriteAllBytesAsync(Path.Combine(hashed, misplaced.Id + ".q"), SpoolEntrySerializer.SerializeQueueFileHead(misplaced));

        var logger = new FakeLogger<FileMessageSpool>();
        var recovered = new List<SpoolEntry>();
        await foreach (var e in new FileMessageSpool(options, logger: logger).RecoverAsync())
        {
            recovered.Add(e);
        }

        var only = Assert.Single(recovered);
        Assert.Equal(moved.Id, only.Id);
        Assert.Equal(3, only.Attempts);
        Assert.False(File.Exists(Path.Combine(incoming, moved.Id + ".q")));
        Assert.False(File.Exists(orphanUpdate));
        var corrupt = Directory.EnumerateFiles(Path.Combine(temp.Path, "corrupt")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(new[] { $"incoming-{truncated.Id}.q", $"00-{misplaced.Id}.q" }.Order(), corrupt);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 3101 && r.Message.Contains("truncated", StringComparison.Ordinal));
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 3101 && r.Message.Contains("wrong hash directory", StringComparison.Ordinal));
        Assert.Equal("moved", await ReadContentAsync(spool, moved.Id));
    }

    [Fact]
    public async Task StoreAsync_ManyConcurrentOnRealDisk_AllLoadBackExactly()
    {
        const int N = 200;
        var fs = new CountingFileSystem(PhysicalSpoolFileSystem.Instance);
        var spool = new FileMessageSpool(new FileMessageSpoolOptions { Path = temp.Path, DirectoryCount = 4 }, fs);
        var entries = Enumerable.Range(0, N).Select(_ => SpoolSamples.Entry()).ToList();
        var watch = Stopwatch.StartNew();

        await Task.WhenAll(entries.Select(async e =>
        {
            await Task.Yield();
            await spool.StoreAsync(e, new BytesContent(Encoding.ASCII.GetBytes("body " + e.Id)));
        }));

        output.WriteLine($"{N} concurrent stores: {watch.ElapsedMilliseconds} ms, {fs.FileFsyncs} file fsyncs, {fs.DirectoryFsyncs} directory fsyncs (group commit)");
        Assert.Equal(N, fs.FileFsyncs); // one queue file per message
        Assert.InRange(fs.DirectoryFsyncs, 1, N);
        foreach (var e in entries)
        {
            SpoolSamples.AssertSame(e, (await spool.LoadAsync(e.Id))!);
            Assert.Equal("body " + e.Id, await ReadContentAsync(spool, e.Id));
        }
    }

    [Fact]
    public void FlushDirectory_RealDirectory_Succeeds_MissingDirectory_ThrowsIOException()
    {
        PhysicalSpoolFileSystem.Instance.FlushDirectory(temp.Path);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Throws<IOException>(() => PhysicalSpoolFileSystem.Instance.FlushDirectory(Path.Combine(temp.Path, "missing")));
        }
    }

    [Fact]
    public void Constructor_InvalidDirectoryCount_NamesTheOption()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FileMessageSpool(new FileMessageSpoolOptions { Path = temp.Path, DirectoryCount = 0 }));
        Assert.Contains("DirectoryCount", ex.Message, StringComparison.Ordinal);
    }

    private static QueueId NewIdInDirectory(int directory, int of)
    {
        while (true)
        {
            var id = SpoolSamples.NewId();
            if ((int)(id.Value % (uint)of) == directory)
            {
                return id;
            }
        }
    }

    // The spool's queued files, relative to queue/, with / separators.
    private List<string> Files()
    {
        var queue = Path.Combine(temp.Path, "queue");
        return [.. Directory.EnumerateFiles(queue, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(queue, f).Replace('\\', '/')).Order()];
    }

    private FileMessageSpool CreateSut() => new(new FileMessageSpoolOptions { Path = temp.Path, DirectoryCount = 1 });

    private static async Task<string> ReadContentAsync(FileMessageSpool spool, QueueId id)
    {
        var content = await spool.OpenContentAsync(id);
        using var reader = new StreamReader(content!.OpenRead());
        return await reader.ReadToEndAsync();
    }
}
