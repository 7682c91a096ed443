using System.Net;
using System.Net.Sockets;

namespace MtaKit.Core.Tests.Dns;

/// <summary>
/// A UDP socket on 127.0.0.1 that answers every query with one response code (SERVFAIL, REFUSED) and no records.
/// dnsmasq does not pass an upstream SERVFAIL on (it keeps waiting: the client sees a timeout), so this is how the
/// resolver meets a real SERVFAIL/REFUSED response on the wire.
/// </summary>
internal sealed class RcodeDnsServer : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();

    public RcodeDnsServer(int rcode)
    {
        _ = ServeAsync(rcode);
    }

    public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ServeAsync(int rcode)
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult request;
            try
            {
                request = await _socket.ReceiveAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var q = request.Buffer;
            var end = 12;
            while (end < q.Length && q[end] != 0)
            {
                end += q[end] + 1;
            }

            end += 5; // root label, QTYPE, QCLASS
            var reply = new byte[end];
            Array.Copy(q, reply, end);
            reply[2] = (byte)(q[2] | 0x80); // QR
            reply[3] = (byte)(0x80 | rcode); // RA + RCODE
            reply[4] = 0;
            reply[5] = 1; // QDCOUNT
            Array.Clear(reply, 6, 6); // AN, NS, AR counts
            await _socket.SendAsync(reply, request.RemoteEndPoint);
        }
    }
}
