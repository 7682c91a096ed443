using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MtaKit.Pipeline;

namespace MtaKit.Server;

/// <summary>
/// The SMTP server engine: listeners, sessions, the stage chains, and the message handler.
/// Start it, stop it gracefully (stop accepting, answer 421 to new commands, let in-flight
/// transactions finish within <see cref="SmtpServerOptions.DrainTimeout"/>).
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    private readonly List<ListenerRuntime> _listeners = [];
    private readonly CancellationTokenSource _drain = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly List<Task> _acceptLoops = [];
    private readonly ConnectionSet _connections = new();
    private int _state; // 0 new, 1 started, 2 stopping, 3 stopped

    /// <summary>Creates a server. Nothing listens until <see cref="StartAsync"/>.</summary>
    /// <param name="options">Server and listener options (validated here).</param>
    /// <param name="handler">What happens to accepted mail.</param>
    /// <param name="pipeline">The stages; <see langword="null"/> for none.</param>
    /// <param name="relayControl">The fixed last RCPT check; <see langword="null"/> lets every recipient through to the handler (use only when the handler itself refuses foreign domains).</param>
    /// <param name="authenticator">Checks AUTH credentials; <see langword="null"/> offers no AUTH.</param>
    /// <param name="loggerFactory">Logging.</param>
    /// <param name="timeProvider">Time.</param>
    /// <param name="services">Services stages can reach through their context.</param>
    /// <param name="meterFactory">Creates the <c>MtaKit</c> meter; <see langword="null"/> uses a static meter.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public SmtpServer(
        SmtpServerOptions options,
        IMessageHandler handler,
        SmtpPipeline? pipeline = null,
        IRelayControl? relayControl = null,
        ISmtpAuthenticator? authenticator = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IServiceProvider? services = null,
        System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid MtaKit configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)), nameof(options));
        }

        Options = options;
        var p = pipeline ?? SmtpPipeline.Empty;
        Runtime = new ServerRuntime(
            options,
            handler,
            p,
            relayControl,
            authenticator,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("MtaKit.Smtp"),
            timeProvider ?? TimeProvider.System,
            services ?? EmptyServices.Instance,
            _drain.Token,
            _abort.Token,
            new SmtpMetrics(meterFactory));
    }

    /// <summary>The options the server runs with.</summary>
    public SmtpServerOptions Options { get; }

    internal ServerRuntime Runtime { get; }

    /// <summary>Connections open now, over all listeners.</summary>
    public int ActiveConnections => _connections.Count;

    /// <summary>Binds every listener and starts accepting connections.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The server was already started.");
        }

        foreach (var options in Options.Listeners)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var socket = new Socket(options.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                if (options.EndPoint.AddressFamily == AddressFamily.InterNetworkV6 && options.EndPoint.Address.Equals(IPAddress.IPv6Any))
                {
                    socket.DualMode = true;
                }

                socket.Bind(options.EndPoint);
                socket.Listen(1024);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            var listener = new ListenerRuntime(options, Options.Limits, socket, Runtime.Time);
            _listeners.Add(listener);
            ServerLog.Listening(Runtime.Logger, options.Name, listener.LocalEndPoint);
        }

        foreach (var listener in _listeners)
        {
            _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(listener), CancellationToken.None));
        }

        return Task.CompletedTask;
    }

    /// <summary>The bound endpoint of a listener (useful with port 0).</summary>
    /// <exception cref="KeyNotFoundException">No listener has that name.</exception>
    public IPEndPoint GetEndPoint(string listenerName)
        => _listeners.FirstOrDefault(l => string.Equals(l.Options.Name, listenerName, StringComparison.OrdinalIgnoreCase))?.LocalEndPoint
           ?? throw new KeyNotFoundException($"No listener named '{listenerName}' is running.");

    /// <summary>The bound endpoints of all listeners, by name.</summary>
    public IReadOnlyDictionary<string, IPEndPoint> EndPoints => _listeners.ToDictionary(l => l.Options.Name, l => l.LocalEndPoint);

    /// <summary>
    /// Stops gracefully: closes the listeners, answers 421 to idle sessions and to the next command
    /// of busy ones, and waits for in-flight transactions up to the drain timeout (or until
    /// <paramref name="cancellationToken"/> fires), then aborts what is left.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return;
        }

        foreach (var l in _listeners)
        {
            l.Socket.Dispose();
        }

        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        ServerLog.Draining(Runtime.Logger, _connections.Count);
        await _drain.CancelAsync().ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.DrainTimeout);
        try
        {
            await _connections.WhenAllClosedAsync().WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            await _connections.WhenAllClosedAsync().ConfigureAwait(false);
        }

        foreach (var l in _listeners)
        {
            l.Dispose();
        }

        Volatile.Write(ref _state, 3);
    }

    /// <summary>Stops (with the drain deadline) and releases everything.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _state) == 1)
        {
            await StopAsync().ConfigureAwait(false);
        }

        _drain.Dispose();
        _abort.Dispose();
    }

    private async Task AcceptLoopAsync(ListenerRuntime listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.Socket.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (Volatile.Read(ref _state) >= 2)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // e.g. ECONNABORTED: the client gave up before accept
            }

            socket.NoDelay = true;
            var connection = new SmtpConnection(Runtime, listener, socket);
            _connections.Add(connection, connection.RunAsync());
        }
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }

    private sealed class ConnectionSet
    {
        private readonly Lock _lock = new();
        private readonly HashSet<Task> _tasks = [];

        public int Count
        {
            get
            {
                lock (_lock)
                {
                    return _tasks.Count;
                }
            }
        }

        public void Add(SmtpConnection connection, Task task)
        {
            lock (_lock)
            {
                _tasks.Add(task);
            }

            _ = task.ContinueWith(
                t =>
                {
                    lock (_lock)
                    {
                        _tasks.Remove(t);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        public Task WhenAllClosedAsync()
        {
            lock (_lock)
            {
                return Task.WhenAll(_tasks.ToArray());
            }
        }
    }
}

/// <summary>What all sessions of a server share.</summary>
internal sealed class ServerRuntime
{
    public ServerRuntime(SmtpServerOptions options, IMessageHandler handler, SmtpPipeline pipeline, IRelayControl? relayControl, ISmtpAuthenticator? authenticator, ILogger logger, TimeProvider time, IServiceProvider services, CancellationToken draining, CancellationToken aborted, SmtpMetrics metrics)
    {
        Metrics = metrics;
        Options = options;
        Handler = handler;
        Pipeline = pipeline;
        RelayControl = relayControl;
        Authenticator = authenticator;
        Logger = logger;
        Time = time;
        Services = services;
        Draining = draining;
        Aborted = aborted;
        Connect = StageChain.Build<ConnectContext>([.. pipeline.ConnectStages.Select(s => (Func<ConnectContext, StageDelegate<ConnectContext>, ValueTask<SmtpVerdict>>)s.OnConnectAsync)], static _ => new(SmtpVerdict.Accept()));
        Helo = StageChain.Build<HeloContext>([.. pipeline.HeloStages.Select(s => (Func<HeloContext, StageDelegate<HeloContext>, ValueTask<SmtpVerdict>>)s.OnHeloAsync)], static _ => new(SmtpVerdict.Accept()));
        Mail = StageChain.Build<MailContext>([.. pipeline.MailStages.Select(s => (Func<MailContext, StageDelegate<MailContext>, ValueTask<SmtpVerdict>>)s.OnMailAsync)], static _ => new(SmtpVerdict.Accept()));
        Rcpt = StageChain.Build<RcptContext>([.. pipeline.RcptStages.Select(s => (Func<RcptContext, StageDelegate<RcptContext>, ValueTask<SmtpVerdict>>)s.OnRcptAsync)], RcptTerminalAsync);
        Data = StageChain.Build<DataContext>([.. pipeline.DataStages.Select(s => (Func<DataContext, StageDelegate<DataContext>, ValueTask<SmtpVerdict>>)s.OnDataAsync)], DataTerminalAsync);
    }

    public SmtpServerOptions Options { get; }

    public SmtpMetrics Metrics { get; }

    public IMessageHandler Handler { get; }

    public SmtpPipeline Pipeline { get; }

    public IRelayControl? RelayControl { get; }

    public ISmtpAuthenticator? Authenticator { get; }

    public ILogger Logger { get; }

    public TimeProvider Time { get; }

    public IServiceProvider Services { get; }

    public CancellationToken Draining { get; }

    public CancellationToken Aborted { get; }

    public StageDelegate<ConnectContext> Connect { get; }

    public StageDelegate<HeloContext> Helo { get; }

    public StageDelegate<MailContext> Mail { get; }

    public StageDelegate<RcptContext> Rcpt { get; }

    private byte[]? _greeting;
    private DateText? _date;

    public StageDelegate<DataContext> Data { get; }

    /// <summary>The 220 greeting on the wire, encoded at the first connection.</summary>
    public byte[] Greeting => _greeting ??= System.Text.Encoding.UTF8.GetBytes(
        new SmtpReply(220, (EnhancedStatusCode?)null, $"{Options.ServerName} {Options.Banner}").ToWireString());

    /// <summary>The RFC 5322 date of <paramref name="now"/> (Received headers), formatted once per second.</summary>
    public string FormatDate(DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds();
        var date = Volatile.Read(ref _date);
        if (date is null || date.Second != second || date.Offset != now.Offset)
        {
            date = new DateText(second, now.Offset, MimeKit.Utils.DateUtils.FormatDate(now));
            Volatile.Write(ref _date, date);
        }

        return date.Text;
    }

    // The fixed last RCPT steps: relay control (no stage's accept skips it), then the handler.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<SmtpVerdict> RcptTerminalAsync(RcptContext context)
    {
        context.TerminalReached = true;
        if (RelayControl is not null)
        {
            var verdict = await RelayControl.CheckAsync(context).ConfigureAwait(false);
            if (!verdict.IsPositive)
            {
                return verdict;
            }

            if (context.RelayAuthorization is { } why)
            {
                ServerLog.RelayAuthorised(Logger, context.Session.Id, context.Session.RemoteEndPoint.Address, context.Recipient.Address, why);
            }
        }

        var tx = context.Transaction.Properties.Get<IMessageTransaction>()
                 ?? throw new InvalidOperationException("No handler transaction.");
        return await tx.AddRecipientAsync(context).ConfigureAwait(false);
    }

    public static ValueTask<SmtpVerdict> DataTerminalAsync(DataContext context)
    {
        context.Transaction.Properties.Set(TerminalReached.Instance);
        var tx = context.Transaction.Properties.Get<IMessageTransaction>()
                 ?? throw new InvalidOperationException("No handler transaction.");
        return tx.DeliverAsync(context);
    }
}

/// <summary>A formatted date and the second it stands for.</summary>
internal sealed record DateText(long Second, TimeSpan Offset, string Text);

/// <summary>Marks that a phase's chain reached the engine's last step (so a stage's accept without next is caught).</summary>
internal sealed class TerminalReached
{
    public static readonly TerminalReached Instance = new();
}

/// <summary>A bound listener and its connection counts.</summary>
internal sealed class ListenerRuntime : IDisposable
{
    public ListenerRuntime(SmtpListenerOptions options, SmtpLimits serverLimits, Socket socket, TimeProvider time)
    {
        Options = options;
        Limits = options.Limits ?? serverLimits;
        Socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        if (options.Tls is { Certificates.Count: > 0 } tls)
        {
            Certificates = new TlsCertificateProvider(tls.Certificates, time);
        }
    }

    public SmtpListenerOptions Options { get; }

    public SmtpLimits Limits { get; }

    public Socket Socket { get; }

    public IPEndPoint LocalEndPoint { get; }

    public TlsCertificateProvider? Certificates { get; }

    public ConnectionTracker Connections { get; } = new();

    /// <summary>The EHLO reply's extension lines on the wire, by session state (see <c>SmtpConnection.EhloExtensions</c>), built at first use.</summary>
    public byte[]?[] EhloExtensions { get; } = new byte[4][];

    public bool IsOverloaded => Connections.Active > Limits.MaxConnections * Limits.OverloadThreshold;

    public void Dispose()
    {
        Socket.Dispose();
        Certificates?.Dispose();
    }
}
