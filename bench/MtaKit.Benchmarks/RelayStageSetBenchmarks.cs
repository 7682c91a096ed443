using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Hosting;

namespace MtaKit.Benchmarks;

/// <summary>
/// The relay with the load harness's benchmark stage set, end to end over loopback in this process:
/// a raw client -> a real MtaKit host built as <c>MtaKit.LoadHost relay</c> builds it
/// (<c>UseDnsbl().UseScanning().UsePassThroughRelay()</c>) from <c>bench/load/relay.json</c> itself
/// (DNSBL against <c>bench/load/bench.zone</c>, the embedded scanners, relay control) -> a raw sink.
/// Only the listener (an ephemeral port), the zone file's path and the next hop (the sink) are
/// overridden. Compared with <see cref="RelayPathBenchmarks"/> (no stages), the difference is what
/// the stage set costs per relayed 5 KB message.
/// </summary>
[MemoryDiagnoser]
public class RelayStageSetBenchmarks
{
    private RawSink _sink = null!;
    private IHost _host = null!;
    private RawRelayClient _client = null!;
    private Socket _session = null!;

    /// <summary>Recipients per message.</summary>
    [Params(1)]
    public int Recipients { get; set; } = 1;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _sink = RawSink.Start();
        var load = Path.Combine(RepositoryRoot(), "bench", "load");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonFile(Path.Combine(load, "relay.json"), optional: false);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:Dns:StaticZoneFiles:0"] = Path.Combine(load, "bench.zone"),
            ["MtaKit:Routing:Routes:0:NextHops:0:Address"] = "127.0.0.1:" + _sink.Port,
        });
        builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
            .UseDnsbl().UseScanning().UsePassThroughRelay();
        _host = builder.Build();
        await _host.StartAsync();
        _client = new RawRelayClient(_host.Services.GetRequiredService<SmtpServerHost>().Server.GetEndPoint("smtp"), Recipients);
        _session = await _client.OpenSessionAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _session.Dispose();
        await _host.StopAsync();
        _host.Dispose();
        _sink.Dispose();
    }

    /// <summary>One 5 KB message on a persistent client session (scenario C).</summary>
    [Benchmark(Baseline = true)]
    public ValueTask PersistentSession() => _client.SendAsync(_session);

    /// <summary>One 5 KB message on its own client connection (scenario A: connect, EHLO, transaction, QUIT).</summary>
    [Benchmark]
    public ValueTask ConnectionPerMessage() => _client.SendOnNewConnectionAsync();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MtaKit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MtaKit.sln not found above " + AppContext.BaseDirectory);
    }
}
