using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using MtaKit.Scanning;

namespace MtaKit.Benchmarks;

/// <summary>
/// Scanner-client overhead per message against an in-process fake clamd (reads the INSTREAM chunks,
/// answers <c>stream: OK</c>): what MtaKit adds on top of the daemon's own scan time. Compared:
/// the bare <see cref="ClamdClient"/>, the same client behind a one-endpoint <see cref="ScannerPool"/>,
/// and the whole <see cref="ScannerSet"/> (pool plus decision).
/// </summary>
[MemoryDiagnoser]
public class ScanningBenchmarks
{
    private FakeClamd _clamd = null!;
    private ClamdClient _client = null!;
    private ScannerPool _pool = null!;
    private ScannerSet _set = null!;
    private ScanRequest _request = null!;

    [Params(10 * 1024, 100 * 1024, 1024 * 1024)]
    public int MessageSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _clamd = new FakeClamd();
        var options = new ClamdClientOptions { EndPoint = _clamd.EndPoint };
        _client = new ClamdClient(options);
        _pool = new ScannerPool(new ScannerPoolOptions { Name = "clamd" }, [new ScannerPoolMember(new ClamdClient(options))]);
        _set = new ScannerSet([new ScannerPool(new ScannerPoolOptions { Name = "clamd" }, [new ScannerPoolMember(new ClamdClient(options))])]);
        var text = new StringBuilder("From: a@example.com\r\nTo: b@example.net\r\nSubject: benchmark\r\n\r\n");
        while (text.Length < MessageSize)
        {
            text.Append("The quick brown fox jumps over the lazy dog 0123456789 abcdefghij\r\n");
        }

        _request = new ScanRequest(new BytesMessage(Encoding.ASCII.GetBytes(text.ToString())));
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _set.DisposeAsync();
        _pool.Dispose();
        _clamd.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ClamdClient.ScanAsync")]
    public async Task<ScanVerdict> Client() => (await _client.ScanAsync(_request, CancellationToken.None)).Verdict;

    [Benchmark(Description = "ScannerPool (1 endpoint)")]
    public async Task<ScanVerdict> Pool() => (await _pool.ScanAsync(_request, CancellationToken.None)).Verdict;

    [Benchmark(Description = "ScannerSet (pool + decision)")]
    public async Task<ScanAction> Set() => (await _set.ScanAsync(_request, CancellationToken.None)).Action;

    private sealed class BytesMessage(byte[] bytes) : IMessageContent
    {
        public long Length => bytes.Length;

        public Stream OpenRead() => new MemoryStream(bytes, writable: false);
    }

    /// <summary>Speaks just enough clamd: <c>zINSTREAM\0</c>, length-prefixed chunks, a zero chunk, then <c>stream: OK\0</c> and close.</summary>
    private sealed class FakeClamd : IDisposable
    {
        private static readonly byte[] Ok = "stream: OK\0"u8.ToArray();
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public FakeClamd()
        {
            _listener.Start(512);
            _ = AcceptAsync();
        }

        public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = ServeAsync(socket);
            }
        }

        private static async Task ServeAsync(Socket socket)
        {
            using (socket)
            await using (var stream = new NetworkStream(socket))
            {
                try
                {
                    var command = new byte[10]; // "zINSTREAM\0"
                    await stream.ReadExactlyAsync(command);
                    var length = new byte[4];
                    var buffer = new byte[64 * 1024];
                    while (true)
                    {
                        await stream.ReadExactlyAsync(length);
                        var remaining = (int)BinaryPrimitives.ReadUInt32BigEndian(length);
                        if (remaining == 0)
                        {
                            break;
                        }

                        while (remaining > 0)
                        {
                            var n = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, remaining)));
                            if (n == 0)
                            {
                                return;
                            }

                            remaining -= n;
                        }
                    }

                    await stream.WriteAsync(Ok);
                }
                catch (IOException)
                {
                    // the client gave up (or EndOfStream): nothing to answer
                }
            }
        }
    }
}
