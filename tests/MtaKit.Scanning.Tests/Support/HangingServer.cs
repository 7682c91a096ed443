using System.Net;
using System.Net.Sockets;

namespace MtaKit.Scanning.Tests.Support;

/// <summary>A TCP listener that accepts connections, reads and discards, and never answers.</summary>
internal sealed class HangingServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _accepted = [];
    private readonly Task _loop;

    public HangingServer()
    {
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public int Accepted { get { lock (_accepted) { return _accepted.Count; } } }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _loop; } catch (OperationCanceledException) { } catch (SocketException) { }
        lock (_accepted) { foreach (var s in _accepted) { s.Dispose(); } }
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            lock (_accepted) { _accepted.Add(socket); }
            _ = DrainAsync(socket);
        }
    }

    private async Task DrainAsync(Socket socket)
    {
        var buffer = new byte[65536];
        try
        {
            while (await socket.ReceiveAsync(buffer, _stop.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
