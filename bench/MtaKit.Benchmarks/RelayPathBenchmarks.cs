using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using MtaKit.Relay;
using MtaKit.Routing;
using MtaKit.Server;

namespace MtaKit.Benchmarks;

/// <summary>
/// The pass-through relay end to end over loopback: a raw client -> the MtaKit server with the
/// <see cref="PassThroughRelayHandler"/> -> a raw sink, all in this process. Client and sink reuse
/// fixed buffers and allocate next to nothing, so MemoryDiagnoser's figure is the relay's own
/// allocation per relayed 5 KB message (server session, pipeline, relay handler, pooled client).
/// </summary>
[MemoryDiagnoser]
public class RelayPathBenchmarks
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private RawSink _sink = null!;
    private SmtpServer _relay = null!;
    private PassThroughRelayHandler _handler = null!;
    private IPEndPoint _relayEndPoint = null!;
    private Socket _session = null!;
    private byte[] _envelope = null!;
    private byte[] _message = null!;

    /// <summary>Recipients per message.</summary>
    [Params(1, 20)]
    public int Recipients { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _sink = RawSink.Start();
        var routing = new RoutingOptions
        {
            Routes = [new Route { Domains = [DomainPattern.Parse("example.test")], NextHops = [NextHop.Parse("127.0.0.1:" + _sink.Port)], Tls = new RouteTls { Mode = RouteTlsMode.None } }],
        };
        var routes = new RouteTable(routing);
        _handler = new PassThroughRelayHandler(routes, new PassThroughRelayOptions { HostName = "relay.bench.test" });
        var control = new RelayControl(new RelayControlOptions { LocalDomains = routes.AcceptedDomains });
        var listener = new SmtpListenerOptions { Name = "bench", EndPoint = new IPEndPoint(IPAddress.Loopback, 0) };
        _relay = new SmtpServer(new SmtpServerOptions { ServerName = "relay.bench.test", Listeners = [listener], Limits = SmtpLimits.Default with { MaxMessagesPerConnection = int.MaxValue, MaxConnectionsPerIp = 1000 } }, _handler, null, control);
        await _relay.StartAsync();
        _relayEndPoint = _relay.GetEndPoint("bench");

        var envelope = new StringBuilder("MAIL FROM:<sender@client.test> SIZE=5120\r\n");
        for (var i = 0; i < Recipients; i++)
        {
            envelope.Append("RCPT TO:<user").Append(i).Append("@example.test>\r\n");
        }

        _envelope = Encoding.ASCII.GetBytes(envelope.Append("DATA\r\n").ToString());
        _message = Encoding.ASCII.GetBytes(BenchMessages.Build(5 * 1024, "..a line that starts with a dot (dot-stuffed on the wire)\r\n").ToString());
        _session = await OpenSessionAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _session.Dispose();
        await _relay.DisposeAsync();
        await _handler.DisposeAsync();
        _sink.Dispose();
    }

    /// <summary>One 5 KB message on a persistent client session (scenario C).</summary>
    [Benchmark(Baseline = true)]
    public ValueTask PersistentSession() => SendAsync(_session);

    /// <summary>One 5 KB message on its own client connection (scenario A: connect, EHLO, transaction, QUIT).</summary>
    [Benchmark]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ConnectionPerMessage()
    {
        using var socket = await OpenSessionAsync();
        await SendAsync(socket);
        await socket.SendAsync(QuitCommand, SocketFlags.None);
        await ReadRepliesAsync(socket, 1);
    }

    private async Task<Socket> OpenSessionAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(_relayEndPoint);
        await ReadRepliesAsync(socket, 1);
        await socket.SendAsync(EhloCommand, SocketFlags.None);
        await ReadRepliesAsync(socket, 1);
        return socket;
    }

    // The harness's own commands are encoded once so that its allocations stay out of the relay's figure.
    private static readonly ReadOnlyMemory<byte> EhloCommand = "EHLO client.test\r\n"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> QuitCommand = "QUIT\r\n"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> EndOfData = ".\r\n"u8.ToArray();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAsync(Socket socket)
    {
        await socket.SendAsync(_envelope.AsMemory(), SocketFlags.None);
        await ReadRepliesAsync(socket, Recipients + 2);
        await socket.SendAsync(_message.AsMemory(), SocketFlags.None);
        await socket.SendAsync(EndOfData, SocketFlags.None);
        var code = await ReadRepliesAsync(socket, 1);
        if (code != 250)
        {
            throw new InvalidOperationException($"The relay answered {code} after the data.");
        }
    }

    /// <summary>Reads until <paramref name="count"/> final reply lines arrived; returns the last code.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadRepliesAsync(Socket socket, int count)
    {
        var length = 0;
        var start = 0;
        var code = 0;
        while (count > 0)
        {
            var read = await socket.ReceiveAsync(_buffer.AsMemory(length), SocketFlags.None);
            if (read == 0)
            {
                throw new EndOfStreamException("The relay closed the connection.");
            }

            length += read;
            int end;
            while (count > 0 && (end = _buffer.AsSpan(start, length - start).IndexOf("\r\n"u8)) >= 0)
            {
                if (end >= 4 && _buffer[start + 3] == (byte)' ')
                {
                    code = ((_buffer[start] - '0') * 100) + ((_buffer[start + 1] - '0') * 10) + (_buffer[start + 2] - '0');
                    count--;
                }

                start += end + 2;
            }
        }

        return code;
    }

    /// <summary>A minimal SMTP sink with PIPELINING: fixed buffers, pre-encoded replies, discards the data.</summary>
    private sealed class RawSink : IDisposable
    {
        private static readonly byte[] Greeting = "220 sink.test ESMTP\r\n"u8.ToArray();
        private static readonly byte[] Ehlo = "250-sink.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 SIZE 100000000\r\n"u8.ToArray();
        private static readonly byte[] Ok = "250 2.0.0 Ok\r\n"u8.ToArray();
        private static readonly byte[] Go = "354 Go ahead\r\n"u8.ToArray();
        private static readonly byte[] Queued = "250 2.0.0 Ok: queued as 1A2B3C\r\n"u8.ToArray();
        private static readonly byte[] Bye = "221 2.0.0 Bye\r\n"u8.ToArray();
        private readonly Socket _listener;
        private readonly CancellationTokenSource _stop = new();

        private RawSink(Socket listener)
        {
            _listener = listener;
            _ = AcceptLoopAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

        public static RawSink Start()
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(512);
            return new RawSink(listener);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Dispose();
            _stop.Dispose();
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                client.NoDelay = true;
                _ = ServeAsync(client);
            }
        }

        private static async Task ServeAsync(Socket client)
        {
            using var _ = client;
            var buffer = new byte[128 * 1024];
            var reply = new byte[4096];
            var length = 0;
            var inData = false;
            try
            {
                await client.SendAsync(Greeting.AsMemory(), SocketFlags.None);
                while (true)
                {
                    var read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None);
                    if (read == 0)
                    {
                        return;
                    }

                    length += read;
                    var start = 0;
                    var replyLength = 0;
                    var quit = false;
                    while (true)
                    {
                        var span = buffer.AsSpan(start, length - start);
                        if (inData)
                        {
                            var end = span.IndexOf("\r\n.\r\n"u8);
                            if (end < 0)
                            {
                                // keep the last 4 bytes: the terminator may straddle reads
                                var keep = Math.Min(span.Length, 4);
                                start = length - keep;
                                break;
                            }

                            start += end + 5;
                            inData = false;
                            Queued.CopyTo(reply.AsSpan(replyLength));
                            replyLength += Queued.Length;
                            continue;
                        }

                        var eol = span.IndexOf("\r\n"u8);
                        if (eol < 0)
                        {
                            break;
                        }

                        var line = span[..eol];
                        byte[] answer = line.Length >= 4 && (line[0] | 0x20) == 'e' ? Ehlo
                            : line.Length >= 4 && (line[0] | 0x20) == 'd' ? Go
                            : line.Length >= 4 && (line[0] | 0x20) == 'q' ? Bye
                            : Ok;
                        if (ReferenceEquals(answer, Go))
                        {
                            inData = true;
                            start += eol; // the terminator search starts at this CRLF
                        }
                        else
                        {
                            start += eol + 2;
                        }

                        quit |= ReferenceEquals(answer, Bye);
                        answer.CopyTo(reply.AsSpan(replyLength));
                        replyLength += answer.Length;
                    }

                    buffer.AsSpan(start, length - start).CopyTo(buffer);
                    length -= start;
                    if (replyLength > 0)
                    {
                        await client.SendAsync(reply.AsMemory(0, replyLength), SocketFlags.None);
                    }

                    if (quit)
                    {
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // the relay dropped a pooled connection
            }
        }
    }
}
