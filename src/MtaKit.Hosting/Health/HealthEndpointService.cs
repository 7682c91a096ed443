using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MtaKit.Hosting.Configuration;

namespace MtaKit.Hosting.Health;

/// <summary>
/// The health endpoint for a layer-4 switch and the first step of a graceful stop. It opens after
/// every hosted service started (never healthy before the SMTP listeners are bound); when the host
/// begins to stop it reports unhealthy, waits <c>MtaKit:Health:UnhealthyGracePeriod</c> so the
/// switch notices, and only then lets the SMTP server stop accepting and drain. It closes last.
/// </summary>
internal sealed class HealthEndpointService : IHostedLifecycleService, IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private readonly IConfiguration _mtaKit;
    private readonly HealthState _state;
    private readonly HealthCheckService _checks;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closed = new();
    private readonly SemaphoreSlim _listenerLock = new(1, 1);
    private readonly List<Task> _loops = [];
    private HealthEndpointOptions? _options;
    private Socket? _listener;
    private HealthStatus? _lastStatus;
    private int _disposed;

    public HealthEndpointService(IConfiguration mtaKit, HealthState state, HealthCheckService checks, TimeProvider time, ILoggerFactory loggers)
    {
        _mtaKit = mtaKit;
        _state = state;
        _checks = checks;
        _time = time;
        _logger = loggers.CreateLogger("MtaKit.Health");
    }

    /// <summary>The bound endpoint while listening (useful with port 0).</summary>
    public IPEndPoint? EndPoint { get; private set; }

    private HealthEndpointOptions Options => _options ?? throw new InvalidOperationException("The health endpoint has not started.");

    /// <summary>Checks the options before any service starts: a bad configuration starts nothing.</summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        _options = HealthEndpointOptions.Read(_mtaKit, errors);
        ConfigurationErrors.ThrowIfAny(errors);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Opens the endpoint once everything else runs.</summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        if (Options.EndPoint is null)
        {
            return;
        }

        if (Options.Mode == HealthProbeMode.Tcp)
        {
            // the port opens only once the checks pass
            if ((await EvaluateAsync(cancellationToken).ConfigureAwait(false)).Healthy)
            {
                await OpenAsync().ConfigureAwait(false);
            }

            _loops.Add(Task.Run(WatchAsync, CancellationToken.None));
        }
        else
        {
            await OpenAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Reports unhealthy and gives the switch the grace period to notice, before the listeners close.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _state.ReportStopping();
        if (Options.EndPoint is null)
        {
            return;
        }

        HealthLog.Stopping(_logger, Options.UnhealthyGracePeriod);
        if (Options.Mode == HealthProbeMode.Tcp)
        {
            await CloseListenerAsync().ConfigureAwait(false);
        }

        if (Options.UnhealthyGracePeriod > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(Options.UnhealthyGracePeriod, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // the host's shutdown timeout: go on stopping
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Closes the endpoint after the SMTP server drained (it answered 503 all along).</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        await _closed.CancelAsync().ConfigureAwait(false);
        await CloseListenerAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // registered as itself and as a hosted service: the container disposes it twice
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StoppedAsync(CancellationToken.None).ConfigureAwait(false);
        _closed.Dispose();
        _listenerLock.Dispose();
    }

    /// <summary>The status a probe reports now: unhealthy while stopping, else the worst check (degraded counts as healthy).</summary>
    internal async Task<(bool Healthy, string Description)> EvaluateAsync(CancellationToken cancellationToken)
    {
        if (_state.IsStopping)
        {
            return (false, "stopping");
        }

        var report = await _checks.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        if (report.Status != _lastStatus)
        {
            _lastStatus = report.Status;
            var failing = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"{e.Key}: {e.Value.Description}");
            HealthLog.Changed(_logger, report.Status.ToString(), string.Join("; ", failing));
        }

        return (report.Status != HealthStatus.Unhealthy, report.Status.ToString());
    }

    private async Task OpenAsync()
    {
        await _listenerLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_listener is not null || _closed.IsCancellationRequested)
            {
                return;
            }

            var endPoint = EndPoint ?? Options.EndPoint!;
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(endPoint);
                socket.Listen(64);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            _listener = socket;
            EndPoint = (IPEndPoint)socket.LocalEndPoint!;
            HealthLog.Listening(_logger, Options.Mode, EndPoint);
            _loops.Add(Task.Run(() => AcceptLoopAsync(socket), CancellationToken.None));
        }
        finally
        {
            _listenerLock.Release();
        }
    }

    private async Task CloseListenerAsync()
    {
        await _listenerLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _listener?.Dispose();
            _listener = null;
        }
        finally
        {
            _listenerLock.Release();
        }
    }

    /// <summary>TCP mode: refuse connections (closed port) while unhealthy, accept them while healthy.</summary>
    private async Task WatchAsync()
    {
        using var timer = new PeriodicTimer(Options.Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_closed.Token).ConfigureAwait(false))
            {
                if (_state.IsStopping)
                {
                    return;
                }

                var (healthy, _) = await EvaluateAsync(_closed.Token).ConfigureAwait(false);
                if (healthy)
                {
                    await OpenAsync().ConfigureAwait(false);
                }
                else
                {
                    await CloseListenerAsync().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_closed.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException or OperationCanceledException)
            {
                return;
            }

            if (Options.Mode == HealthProbeMode.Tcp)
            {
                client.Dispose(); // the switch only needs the connect to succeed
                continue;
            }

            _ = Task.Run(() => AnswerAsync(client), CancellationToken.None);
        }
    }

    private async Task AnswerAsync(Socket client)
    {
        using (client)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
            timeout.CancelAfter(RequestTimeout);
            try
            {
                var request = await HealthHttpRequest.ReadAsync(client, timeout.Token).ConfigureAwait(false);
                byte[] response;
                if (request is null)
                {
                    response = HealthHttpRequest.Response(400, "Bad Request", "bad request\n", head: false);
                }
                else if (request.Value.Method is not ("GET" or "HEAD"))
                {
                    response = HealthHttpRequest.Response(405, "Method Not Allowed", "method not allowed\n", head: false);
                }
                else if (request.Value.Path is not ("/health" or "/"))
                {
                    response = HealthHttpRequest.Response(404, "Not Found", "not found\n", request.Value.Method == "HEAD");
                }
                else
                {
                    var (healthy, _) = await EvaluateAsync(timeout.Token).ConfigureAwait(false);
                    response = healthy
                        ? HealthHttpRequest.Response(200, "OK", "healthy\n", request.Value.Method == "HEAD")
                        : HealthHttpRequest.Response(503, "Service Unavailable", "unhealthy\n", request.Value.Method == "HEAD");
                }

                await client.SendAsync(response, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
            {
                HealthLog.ProbeFailed(_logger, SafeRemote(client), e.Message);
            }
        }
    }

    private static EndPoint? SafeRemote(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }
}
