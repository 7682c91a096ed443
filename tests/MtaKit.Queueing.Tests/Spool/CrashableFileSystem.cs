namespace MtaKit.Queueing.Tests.Spool;

// An in-memory file system that models what survives a power loss: file data survives only once
// fsynced (FlushFile), a directory entry (create, rename, delete) only once its directory is
// fsynced. The process "dies" at a chosen operation: that and every later operation throws.
internal sealed class CrashableFileSystem : ISpoolFileSystem
{
    private readonly object gate = new();
    private readonly Dictionary<string, Inode> names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Inode> durableNames = new(StringComparer.Ordinal);
    private readonly int crashAt;
    private int operations;

    public CrashableFileSystem(int crashAt = int.MaxValue, IReadOnlyDictionary<string, byte[]>? files = null)
    {
        this.crashAt = crashAt;
        foreach (var (path, bytes) in files ?? new Dictionary<string, byte[]>())
        {
            // Files present at start are on disk: they survive a power loss.
            var inode = new Inode(bytes) { Durable = bytes };
            names[path] = inode;
            durableNames[path] = inode;
        }
    }

    public int Operations => operations;

    public bool Crashed => operations > crashAt;

    // What a power loss leaves: fsynced names pointing at fsynced data (unsynced data reads as empty).
    public Dictionary<string, byte[]> AfterPowerLoss()
    {
        lock (gate)
        {
            return durableNames.ToDictionary(kv => kv.Key, kv => kv.Value.Durable ?? [], StringComparer.Ordinal);
        }
    }

    // What a process kill (no power loss) leaves: everything the kernel accepted.
    public Dictionary<string, byte[]> AfterProcessKill()
    {
        lock (gate)
        {
            return names.ToDictionary(kv => kv.Key, kv => kv.Value.Current, StringComparer.Ordinal);
        }
    }

    public Stream CreateFile(string path)
    {
        lock (gate)
        {
            Step();
            if (names.ContainsKey(path))
            {
                throw new IOException("exists: " + path);
            }

            var inode = new Inode(null);
            names[path] = inode;
            return inode.Stream!;
        }
    }

    public void FlushFile(Stream file)
    {
        lock (gate)
        {
            Step();
            var inode = names.Values.First(i => ReferenceEquals(i.Stream, file));
            inode.Durable = inode.Current;
        }
    }

    public void FlushDirectory(string path)
    {
        lock (gate)
        {
            Step();
            foreach (var key in durableNames.Keys.Where(k => InDirectory(k, path)).ToList())
            {
                durableNames.Remove(key);
            }

            foreach (var (key, inode) in names.Where(kv => InDirectory(kv.Key, path)))
            {
                durableNames[key] = inode;
            }
        }
    }

    public Stream OpenRead(string path)
    {
        lock (gate)
        {
            ThrowIfDead();
            return names.TryGetValue(path, out var inode) ? new MemoryStream(inode.Current, writable: false) : throw new FileNotFoundException(path);
        }
    }

    public long GetFileLength(string path)
    {
        lock (gate)
        {
            return names[path].Current.Length;
        }
    }

    public void MoveFile(string source, string destination, bool overwrite)
    {
        lock (gate)
        {
            Step();
            if (!overwrite && names.ContainsKey(destination))
            {
                throw new IOException("exists: " + destination);
            }

            names[destination] = names[source];
            names.Remove(source);
        }
    }

    public void DeleteFile(string path)
    {
        lock (gate)
        {
            Step();
            names.Remove(path);
        }
    }

    public bool FileExists(string path)
    {
        lock (gate)
        {
            ThrowIfDead();
            return names.ContainsKey(path);
        }
    }

    public void CreateDirectory(string path)
    {
    }

    public IEnumerable<string> EnumerateFiles(string path)
    {
        lock (gate)
        {
            return names.Keys.Where(k => InDirectory(k, path)).ToList();
        }
    }

    private static bool InDirectory(string file, string directory) => string.Equals(Path.GetDirectoryName(file), directory, StringComparison.Ordinal);

    private void Step()
    {
        ThrowIfDead();
        if (++operations > crashAt)
        {
            throw new IOException("simulated crash");
        }
    }

    private void ThrowIfDead()
    {
        if (operations > crashAt)
        {
            throw new IOException("simulated crash (process is dead)");
        }
    }

    private sealed class Inode
    {
        private readonly byte[]? fixedData;

        public Inode(byte[]? data)
        {
            fixedData = data;
            Stream = data is null ? new MemoryStream() : null;
        }

        public MemoryStream? Stream { get; }

        public byte[] Current => fixedData ?? Stream!.ToArray();

        public byte[]? Durable { get; set; }
    }
}
