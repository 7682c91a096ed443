namespace MtaKit.Queueing;

// One durable change to a spool directory: renames and deletes that become durable together with the
// directory's fsync. Completes only after the fsync that covers it returned.
internal sealed class SpoolCommit(string directory, IReadOnlyList<SpoolCommitStep> steps)
{
    private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Directory { get; } = directory;

    public IReadOnlyList<SpoolCommitStep> Steps { get; } = steps;

    public Task Completion => done.Task;

    public bool Failed => done.Task.IsFaulted;

    public void Apply(ISpoolFileSystem fileSystem)
    {
        foreach (var step in Steps)
        {
            if (step.Destination is { } destination)
            {
                fileSystem.MoveFile(step.Path, destination, step.Overwrite);
            }
            else
            {
                fileSystem.DeleteFile(step.Path);
            }
        }
    }

    public void Succeed() => done.TrySetResult();

    public void Fail(Exception exception) => done.TrySetException(exception);
}
