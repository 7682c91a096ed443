using System.Net;
using MtaKit.Testing;

namespace MtaKit.Redis.Tests.Hints;

/// <summary>A redis-server of this test alone (tests/services/start-redis.sh on a free port), so it can be stopped and started.</summary>
internal sealed class OwnRedisServer : IAsyncDisposable
{
    private readonly string _script;
    private readonly TempDirectory _dir = new();
    private readonly int _port = FreePort.Next();

    private OwnRedisServer(string script) => _script = script;

    public IPEndPoint EndPoint => new(IPAddress.Loopback, _port);

    /// <summary>Starts a server (skips, or fails in CI, when redis-server is not installed).</summary>
    public static async Task<OwnRedisServer> StartAsync()
    {
        ServiceEnvironment.RequireProgram("redis-server");
        var server = new OwnRedisServer(RepositoryPaths.File("tests/services/start-redis.sh"));
        await server.RunAsync("start");
        return server;
    }

    public Task StartAgainAsync() => RunAsync("start");

    public Task StopAsync() => RunAsync("stop");

    public async ValueTask DisposeAsync()
    {
        await RunAsync("stop");
        _dir.Dispose();
    }

    private async Task RunAsync(string command)
    {
        var (exitCode, output) = await ProcessRunner.RunAsync(
            "env",
            [$"REDIS_PORT={_port}", $"REDIS_DIR={_dir.Path}", "bash", _script, command],
            TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"start-redis.sh {command} failed: {output}");
    }
}
