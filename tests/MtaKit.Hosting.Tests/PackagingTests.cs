using MtaKit.Testing;

namespace MtaKit.Hosting.Tests;

/// <summary>The packages work from a local feed in a fresh project (eng/pack-smoke.sh).</summary>
public sealed class PackagingTests
{
    [Fact]
    public async Task PackSmoke_FreshProjectAddsMtaKitHostingFromLocalFeed_CompilesReadmeExampleAndRelays()
    {
        var script = RepositoryPaths.File("eng/pack-smoke.sh");
        var (exit, output) = await ProcessRunner.RunAsync("bash", [script], TimeSpan.FromMinutes(8));
        Assert.True(exit == 0, output);
        Assert.Contains("pack-smoke ok", output, StringComparison.Ordinal);
    }
}
