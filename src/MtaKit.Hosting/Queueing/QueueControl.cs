using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MtaKit.Queueing;

namespace MtaKit.Hosting;

/// <summary>
/// Queue administration over a local Unix socket (<c>&lt;SpoolPath&gt;/control.sock</c>, mode 0600:
/// the owner only), so an admin's command line talks to the running tier and never edits the
/// spool behind the scheduler's back. One command per connection:
/// <c>list</c>, <c>show ID</c>, <c>retry ID</c>, <c>freeze ID</c>, <c>thaw ID</c>, <c>remove ID</c>.
/// </summary>
public static class QueueControl
{
    /// <summary>The socket's file name inside the spool directory.</summary>
    public const string SocketFileName = "control.sock";

    /// <summary>Sends one command to a running tier and writes its answer; returns 0 on success, 1 otherwise.</summary>
    public static async Task<int> RunClientAsync(string spoolPath, IReadOnlyList<string> command, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(output);
        var path = Path.Combine(spoolPath, SocketFileName);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            await output.WriteLineAsync($"cannot reach the tier's control socket {path}: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(string.Join(' ', command) + "\n"), cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var ok = true;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            ok &= !line.StartsWith("error:", StringComparison.Ordinal);
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        return ok ? 0 : 1;
    }

    internal static async Task<string> ExecuteAsync(QueueRunner runner, TimeProvider time, string line, CancellationToken cancellationToken)
    {
        var parts = line.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        var verb = parts.Length > 0 ? parts[0].ToLowerInvariant() : string.Empty;
        if (verb == "list")
        {
            var sb = new StringBuilder("id                          age       attempts  next-attempt          state   from -> recipients (last error)\n");
            foreach (var e in runner.List())
            {
                var age = time.GetUtcNow() - e.OriginalArrival;
                sb.Append(CultureInfo.InvariantCulture, $"{e.Id}  {(int)age.TotalHours,3}h{age.Minutes:00}m  {e.Attempts,8}  {e.NextAttempt:yyyy-MM-dd HH:mm:ss}  {(e.Frozen ? "frozen" : "queued"),-6}  <{e.Envelope.ReversePath}> -> ");
                sb.Append(string.Join(", ", e.Envelope.Recipients.Where(r => r.State == RecipientState.Pending).Select(r => r.Address)));
                if (e.LastError is not null)
                {
                    sb.Append(" (").Append(e.LastError).Append(')');
                }

                sb.Append('\n');
            }

            return sb.Append(CultureInfo.InvariantCulture, $"{runner.Count} message(s) in tier {runner.Tier.Name}\n").ToString();
        }

        if (parts.Length < 2 || !QueueId.TryParse(parts[1].Trim(), out var id))
        {
            return "error: usage: list | show ID | retry ID | freeze ID | thaw ID | remove ID\n";
        }

        var found = verb switch
        {
            "show" => runner.List().FirstOrDefault(e => e.Id == id) is { } entry ? Show(entry) : null,
            "retry" => runner.RetryNow(id) ? "ok: scheduled now\n" : null,
            "freeze" => await runner.SetFrozenAsync(id, true, cancellationToken).ConfigureAwait(false) ? "ok: frozen\n" : null,
            "thaw" => await runner.SetFrozenAsync(id, false, cancellationToken).ConfigureAwait(false) ? "ok: thawed and scheduled now\n" : null,
            "remove" => await runner.RemoveAsync(id, cancellationToken).ConfigureAwait(false) ? "ok: removed\n" : null,
            _ => "error: unknown command " + verb + "\n",
        };
        return found ?? $"error: no message {id} in this tier\n";
    }

    private static string Show(SpoolEntry e)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"id: {e.Id}\nfrom: <{e.Envelope.ReversePath}>\noriginal-arrival: {e.OriginalArrival:o}\ntier-arrival: {e.TierArrival:o}\n");
        sb.Append(CultureInfo.InvariantCulture, $"attempts: {e.Attempts}\nnext-attempt: {e.NextAttempt:o}\nfrozen: {e.Frozen}\ndelay-warning-sent: {e.DelayWarningSent}\nlast-error: {e.LastError}\n");
        foreach (var r in e.Envelope.Recipients)
        {
            sb.Append(CultureInfo.InvariantCulture, $"rcpt: <{r.Address}> {r.State} {r.LastReply}{(r.PeerQueueId is null ? "" : " peer-id=" + r.PeerQueueId)}\n");
        }

        return sb.ToString();
    }
}

/// <summary>Serves <see cref="QueueControl"/> commands on the tier's control socket.</summary>
internal sealed partial class QueueControlServer(QueueRunner runner, string spoolPath, TimeProvider time, ILogger logger) : IHostedService
{
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task? _loop;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(spoolPath);
        var path = Path.Combine(spoolPath, QueueControl.SocketFileName);
        File.Delete(path);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        _listener.Listen(16);
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener!.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            using (client)
            {
                try
                {
                    await using var stream = new NetworkStream(client, ownsSocket: false);
                    using var reader = new StreamReader(stream, Encoding.UTF8);
                    var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? string.Empty;
                    LogCommand(logger, line.Split(' ')[0]);
                    var answer = await QueueControl.ExecuteAsync(runner, time, line, cancellationToken).ConfigureAwait(false);
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(answer), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or SocketException)
                {
                    // The admin's client went away.
                }
            }
        }
    }

    [LoggerMessage(3350, LogLevel.Information, "queue control command {Command}")]
    private static partial void LogCommand(ILogger logger, string command);
}
