using System.Net;
using System.Net.Sockets;

namespace MtaKit.Queueing.Tests.Delivery;

/// <summary>
/// Listens on a Unix socket and forwards each connection to a TCP server: puts the real Dovecot LMTP
/// (TCP only in tests/services) behind an <c>lmtp:unix:/path</c> next hop.
/// </summary>
internal sealed class UnixSocketForwarder : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public UnixSocketForwarder(string path, IPEndPoint target)
    {
        Path = path;
        _target = target;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(16);
        _accepting = AcceptAsync();
    }

    public string Path { get; }

    public int Connections { get; private set; }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token);
                Connections++;
                _ = ForwardAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        try
        {
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(_target, _stop.Token);
            await using var down = new NetworkStream(client, ownsSocket: true);
            await using var up = upstream.GetStream();
            await Task.WhenAny(down.CopyToAsync(up, _stop.Token), up.CopyToAsync(down, _stop.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The connection ended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        _stop.Dispose();
    }
}
