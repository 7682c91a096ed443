using System.Runtime.CompilerServices;

namespace MtaKit.Queueing;

/// <summary>
/// The queue's timetable: queue ids ordered by next attempt time in an indexed binary heap, so
/// scheduling, rescheduling, removing by id and taking the next due id are O(log n) and a queue run
/// never scans the spool. About 60 bytes per entry (a 24-byte heap node and a dictionary slot).
/// Waiting for the next due entry is driven by the <see cref="TimeProvider"/>'s timers. Thread-safe.
/// </summary>
public sealed class QueueScheduler
{
    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);

    private readonly TimeProvider timeProvider;
    private readonly Lock gate = new();
    private readonly Dictionary<QueueId, int> positions = [];
    private Node[] heap = new Node[16];
    private int count;
    private TaskCompletionSource? headChanged;

    /// <summary>Creates an empty scheduler.</summary>
    /// <param name="timeProvider">The clock and timers.</param>
    public QueueScheduler(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.timeProvider = timeProvider;
    }

    /// <summary>How many ids are scheduled.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return count;
            }
        }
    }

    /// <summary>Schedules an id at a time, or moves it there if already scheduled.</summary>
    /// <param name="id">The queue id.</param>
    /// <param name="due">When it is due.</param>
    public void Schedule(QueueId id, DateTimeOffset due)
    {
        lock (gate)
        {
            var head = HeadOrDefault();
            var ticks = due.UtcTicks;
            if (positions.TryGetValue(id, out var at))
            {
                var old = heap[at].Due;
                heap[at] = new Node(ticks, id);
                if (ticks < old)
                {
                    SiftUp(at);
                }
                else
                {
                    SiftDown(at);
                }
            }
            else
            {
                if (count == heap.Length)
                {
                    Array.Resize(ref heap, count * 2);
                }

                heap[count] = new Node(ticks, id);
                positions[id] = count;
                count++;
                SiftUp(count - 1);
            }

            SignalIfHeadChanged(head);
        }
    }

    /// <summary>Removes an id.</summary>
    /// <param name="id">The queue id.</param>
    /// <returns><see langword="false"/> when it was not scheduled.</returns>
    public bool Remove(QueueId id)
    {
        lock (gate)
        {
            if (!positions.TryGetValue(id, out var at))
            {
                return false;
            }

            var head = HeadOrDefault();
            RemoveAt(at);
            SignalIfHeadChanged(head);
            return true;
        }
    }

    /// <summary>Returns when an id is due.</summary>
    /// <param name="id">The queue id.</param>
    /// <param name="due">The due time.</param>
    /// <returns><see langword="false"/> when it is not scheduled.</returns>
    public bool TryGetDue(QueueId id, out DateTimeOffset due)
    {
        lock (gate)
        {
            if (positions.TryGetValue(id, out var at))
            {
                due = new DateTimeOffset(heap[at].Due, TimeSpan.Zero);
                return true;
            }

            due = default;
            return false;
        }
    }

    /// <summary>Returns the id due first, without removing it.</summary>
    /// <param name="id">The id due first.</param>
    /// <param name="due">Its due time.</param>
    /// <returns><see langword="false"/> when nothing is scheduled.</returns>
    public bool TryPeek(out QueueId id, out DateTimeOffset due)
    {
        lock (gate)
        {
            if (count == 0)
            {
                id = default;
                due = default;
                return false;
            }

            id = heap[0].Id;
            due = new DateTimeOffset(heap[0].Due, TimeSpan.Zero);
            return true;
        }
    }

    /// <summary>Removes and returns the id due first if its time has come.</summary>
    /// <param name="id">The due id.</param>
    /// <returns><see langword="false"/> when nothing is due now.</returns>
    public bool TryTakeDue(out QueueId id)
    {
        lock (gate)
        {
            return TryTakeDueLocked(timeProvider.GetUtcNow().UtcTicks, out id);
        }
    }

    /// <summary>Waits until an id is due, then removes and returns it. Several callers may wait; each due id goes to one.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async ValueTask<QueueId> TakeDueAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task changed;
            TimeSpan wait;
            lock (gate)
            {
                var now = timeProvider.GetUtcNow().UtcTicks;
                if (TryTakeDueLocked(now, out var id))
                {
                    return id;
                }

                headChanged ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                changed = headChanged.Task;
                wait = count == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Min(heap[0].Due - now, LongestWait.Ticks));
            }

            if (wait == Timeout.InfiniteTimeSpan)
            {
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            using var stopDelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(wait, timeProvider, stopDelay.Token);
            await Task.WhenAny(changed, delay).ConfigureAwait(false);
            await stopDelay.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Returns due ids as they become due, until cancelled.</summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    public async IAsyncEnumerable<QueueId> ReadDueAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            yield return await TakeDueAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private bool TryTakeDueLocked(long now, out QueueId id)
    {
        if (count > 0 && heap[0].Due <= now)
        {
            id = heap[0].Id;
            RemoveAt(0);
            return true;
        }

        id = default;
        return false;
    }

    private Node HeadOrDefault() => count > 0 ? heap[0] : new Node(long.MinValue, default);

    private void SignalIfHeadChanged(Node before)
    {
        var after = HeadOrDefault();
        if (after != before && headChanged is { } signal)
        {
            headChanged = null;
            signal.TrySetResult();
        }
    }

    private void RemoveAt(int at)
    {
        positions.Remove(heap[at].Id);
        count--;
        if (at == count)
        {
            heap[count] = default;
            return;
        }

        var moved = heap[count];
        heap[count] = default;
        heap[at] = moved;
        positions[moved.Id] = at;
        SiftUp(at);
        SiftDown(positions[moved.Id]);
    }

    private void SiftUp(int at)
    {
        var node = heap[at];
        while (at > 0)
        {
            var parent = (at - 1) / 2;
            if (!node.Before(heap[parent]))
            {
                break;
            }

            Place(at, heap[parent]);
            at = parent;
        }

        Place(at, node);
    }

    private void SiftDown(int at)
    {
        var node = heap[at];
        while (true)
        {
            var child = (2 * at) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && heap[child + 1].Before(heap[child]))
            {
                child++;
            }

            if (!heap[child].Before(node))
            {
                break;
            }

            Place(at, heap[child]);
            at = child;
        }

        Place(at, node);
    }

    private void Place(int at, Node node)
    {
        heap[at] = node;
        positions[node.Id] = at;
    }

    private readonly record struct Node(long Due, QueueId Id)
    {
        // Ties go to the older id, so equal due times are served in arrival order.
        public bool Before(Node other) => Due < other.Due || (Due == other.Due && Id < other.Id);
    }
}
