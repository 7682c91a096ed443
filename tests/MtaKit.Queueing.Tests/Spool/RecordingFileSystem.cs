namespace MtaKit.Queueing.Tests.Spool;

// An in-memory file system that records every durability-relevant call in order, so tests can check
// that a store completes only after the fsyncs covering it.
internal sealed class RecordingFileSystem : ISpoolFileSystem
{
    private readonly object gate = new();
    private readonly Dictionary<string, byte[]> files = new(StringComparer.Ordinal);
    private readonly List<string> log = [];

    public Action<string>? BeforeFlushDirectory { get; set; }

    public IReadOnlyList<string> Log
    {
        get
        {
            lock (gate)
            {
                return [.. log];
            }
        }
    }

    public void Record(string line)
    {
        lock (gate)
        {
            log.Add(line);
        }
    }

    public Stream CreateFile(string path)
    {
        lock (gate)
        {
            if (files.ContainsKey(path))
            {
                throw new IOException("exists: " + path);
            }

            files[path] = [];
            log.Add("create " + path);
        }

        return new FakeFile(this, path);
    }

    public void FlushFile(Stream file)
    {
        var f = (FakeFile)file;
        lock (gate)
        {
            files[f.Path] = f.ToArray();
            log.Add("fsync " + f.Path);
        }
    }

    public void FlushDirectory(string path)
    {
        BeforeFlushDirectory?.Invoke(path);
        Record("fsyncdir " + path);
    }

    public Stream OpenRead(string path)
    {
        lock (gate)
        {
            return files.TryGetValue(path, out var bytes) ? new MemoryStream(bytes, writable: false) : throw new FileNotFoundException(path);
        }
    }

    public long GetFileLength(string path)
    {
        lock (gate)
        {
            return files[path].Length;
        }
    }

    public void MoveFile(string source, string destination, bool overwrite)
    {
        lock (gate)
        {
            if (!overwrite && files.ContainsKey(destination))
            {
                throw new IOException("exists: " + destination);
            }

            files[destination] = files[source];
            files.Remove(source);
            log.Add($"move {source} {destination}");
        }
    }

    public void DeleteFile(string path)
    {
        lock (gate)
        {
            files.Remove(path);
            log.Add("delete " + path);
        }
    }

    public bool FileExists(string path)
    {
        lock (gate)
        {
            return files.ContainsKey(path);
        }
    }

    public void CreateDirectory(string path)
    {
    }

    public IEnumerable<string> EnumerateFiles(string path)
    {
        lock (gate)
        {
            return files.Keys.Where(k => string.Equals(System.IO.Path.GetDirectoryName(k), path, StringComparison.Ordinal)).ToList();
        }
    }

    private sealed class FakeFile(RecordingFileSystem owner, string path) : MemoryStream
    {
        public string Path { get; } = path;

        public RecordingFileSystem Owner { get; } = owner;
    }
}
