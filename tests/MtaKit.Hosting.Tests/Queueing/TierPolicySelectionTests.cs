using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Queueing;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Queueing;

/// <summary>MtaKit:Queue:Tier:Policy selects a tier policy by name among the built-in and added ones.</summary>
public sealed class TierPolicySelectionTests
{
    private static IHost Build(TempDirectory dir, string? policy, Action<MtaKitBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:Queue:SpoolPath"] = Path.Combine(dir.Path, "spool"),
            ["MtaKit:Queue:Dsn:SuppressForUnvalidatedSenders"] = "true",
            ["MtaKit:Routing:Routes:0:Domains:0"] = "example.test",
            ["MtaKit:Routing:Routes:0:NextHops:0:Address"] = $"127.0.0.1:{FreePort.Next()}",
        });
        if (policy is not null)
        {
            builder.Configuration["MtaKit:Queue:Tier:Policy"] = policy;
        }

        var mtaKit = builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit")).UseFallbackTier();
        configure?.Invoke(mtaKit);
        return builder.Build();
    }

    [Fact]
    public void UseFallbackTier_NoPolicyConfigured_UsesTheDefault()
    {
        using var dir = new TempDirectory();
        using var host = Build(dir, null);

        Assert.Equal(TierPolicyNames.Default, host.Services.GetRequiredService<QueueRunner>().Policy.Name);
    }

    [Fact]
    public void AddTierPolicy_SelectedByName_IsTheRunnersPolicy()
    {
        using var dir = new TempDirectory();
        using var host = Build(dir, "nightly", b => b.AddTierPolicy<NightlyTierPolicy>());

        Assert.IsType<NightlyTierPolicy>(host.Services.GetRequiredService<QueueRunner>().Policy);
    }

    [Fact]
    public void AddTierPolicy_Instance_ReplacesABuiltInOfTheSameName()
    {
        using var dir = new TempDirectory();
        var mine = new NightlyTierPolicy("Default");
        using var host = Build(dir, null, b => b.AddTierPolicy(mine));

        Assert.Same(mine, host.Services.GetRequiredService<QueueRunner>().Policy);
    }

    [Fact]
    public void UseFallbackTier_UnknownPolicy_FailsWithAConfigurationError()
    {
        using var dir = new TempDirectory();
        using var host = Build(dir, "Weekly", b => b.AddTierPolicy<NightlyTierPolicy>());

        var ex = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<QueueRunner>());
        Assert.Contains("Invalid MtaKit configuration:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Queue:Tier:Policy names 'Weekly', but the known tier policies are: Nightly, Default.", ex.Message, StringComparison.Ordinal);
    }

    private sealed class NightlyTierPolicy(string name) : ITierPolicy
    {
        private readonly ITierPolicy _inner = TierPolicies.CreateDefault();

        public NightlyTierPolicy()
            : this("Nightly")
        {
        }

        public string Name => name;

        public TierDecision Decide(TierPolicyContext context) => _inner.Decide(context);
    }
}
