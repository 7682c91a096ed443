using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MtaKit.Hosting.Tests.Health;

/// <summary>AddMtaKit raises HostOptions.ShutdownTimeout so the stop sequence (unhealthy grace + drain) is not cut short.</summary>
public sealed class ShutdownTimeoutTests
{
    [Fact]
    public void AddMtaKit_Defaults_ShutdownTimeoutAboveDrainTimeout()
        => Assert.Equal(TimeSpan.FromSeconds(40), ShutdownTimeout([])); // drain 30 s + margin 10 s; the generic host's default is 30 s

    [Fact]
    public void AddMtaKit_HealthGraceAndLongDrain_ShutdownTimeoutIsGracePlusDrainPlusMargin()
        => Assert.Equal(
            TimeSpan.FromSeconds(20 + 120 + 10),
            ShutdownTimeout(new()
            {
                ["MtaKit:Health:Endpoint"] = "127.0.0.1:0",
                ["MtaKit:Health:UnhealthyGracePeriod"] = "00:00:20",
                ["MtaKit:DrainTimeout"] = "00:02:00",
            }));

    [Fact]
    public void AddMtaKit_GraceWithoutHealthEndpoint_GraceNotCounted()
        => Assert.Equal(TimeSpan.FromSeconds(40), ShutdownTimeout(new() { ["MtaKit:Health:UnhealthyGracePeriod"] = "00:01:00" }));

    [Fact]
    public void AddMtaKit_LongerTimeoutConfigured_Kept()
        => Assert.Equal(TimeSpan.FromMinutes(5), ShutdownTimeout([], o => o.ShutdownTimeout = TimeSpan.FromMinutes(5)));

    [Fact]
    public void AddMtaKit_ShorterTimeoutConfigured_Raised()
        => Assert.Equal(TimeSpan.FromSeconds(40), ShutdownTimeout([], o => o.ShutdownTimeout = TimeSpan.FromSeconds(3)));

    private static TimeSpan ShutdownTimeout(Dictionary<string, string?> settings, Action<HostOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"));
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
    }
}
