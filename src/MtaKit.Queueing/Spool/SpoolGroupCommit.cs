namespace MtaKit.Queueing;

// Group commit: the first caller becomes the leader and applies every commit queued so far, then
// fsyncs each directory touched once for the whole batch; commits arriving meanwhile form the next
// batch. Under load one directory fsync covers many messages; alone, a commit costs one fsync.
// lastDirectory (the spool's incoming directory) is fsynced after every other directory of its batch:
// entries are renamed out of it into the others, and its fsync must not make a removal durable before
// the destination's fsync made the arrival durable (else a power loss between the two loses the entry).
internal sealed class SpoolGroupCommit(ISpoolFileSystem fileSystem, string? lastDirectory = null)
{
    private readonly Lock gate = new();
    private List<SpoolCommit> pending = [];
    private bool leading;

    public Task CommitAsync(SpoolCommit commit)
    {
        lock (gate)
        {
            pending.Add(commit);
            if (leading)
            {
                return commit.Completion;
            }

            leading = true;
        }

        // The leader runs the blocking fsyncs off the caller's synchronous path.
        _ = Task.Run(Lead);
        return commit.Completion;
    }

    private void Lead()
    {
        while (true)
        {
            List<SpoolCommit> batch;
            lock (gate)
            {
                if (pending.Count == 0)
                {
                    leading = false;
                    return;
                }

                batch = pending;
                pending = [];
            }

            RunBatch(batch);
        }
    }

    private void RunBatch(List<SpoolCommit> batch)
    {
        var directories = new List<string>();
        foreach (var commit in batch)
        {
            try
            {
                commit.Apply(fileSystem);
                if (!directories.Contains(commit.Directory, StringComparer.Ordinal))
                {
                    directories.Add(commit.Directory);
                }
            }
            catch (Exception ex)
            {
                // Any fault fails this commit only: the leader must survive to serve the others.
                commit.Fail(ex);
            }
        }

        if (lastDirectory is not null && directories.Remove(lastDirectory))
        {
            directories.Add(lastDirectory);
        }

        foreach (var directory in directories)
        {
            Exception? fault = null;
            try
            {
                fileSystem.FlushDirectory(directory);
            }
            catch (Exception ex)
            {
                fault = ex;
            }

            foreach (var commit in batch)
            {
                if (!commit.Failed && string.Equals(commit.Directory, directory, StringComparison.Ordinal))
                {
                    if (fault is null)
                    {
                        commit.Succeed();
                    }
                    else
                    {
                        commit.Fail(fault);
                    }
                }
            }
        }

        QueueingMetrics.SpoolCommitBatch(batch.Count, directories.Count);
    }
}
