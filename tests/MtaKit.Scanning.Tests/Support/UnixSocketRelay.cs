using System.Net;
using System.Net.Sockets;

namespace MtaKit.Scanning.Tests.Support;

/// <summary>Listens on a Unix socket and relays every connection to a TCP endpoint (to reach a TCP-only daemon over a Unix socket).</summary>
internal sealed class UnixSocketRelay : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public UnixSocketRelay(IPEndPoint target)
    {
        _target = target;
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mtakit-{Guid.NewGuid():N}.sock");
        _listener.Bind(new UnixDomainSocketEndPoint(Path));
        _listener.Listen();
        _loop = AcceptLoopAsync();
    }

    public string Path { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try { await _loop; } catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
        File.Delete(Path);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptAsync(_stop.Token);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using (client)
        {
            await upstream.ConnectAsync(_target, _stop.Token);
            await Task.WhenAll(PumpAsync(client, upstream), PumpAsync(upstream, client));
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[65536];
        try
        {
            int n;
            while ((n = await from.ReceiveAsync(buffer, _stop.Token)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, n), _stop.Token);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
