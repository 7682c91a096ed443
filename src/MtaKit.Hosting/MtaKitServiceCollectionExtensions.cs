using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MtaKit.Hosting;
using MtaKit.Hosting.Health;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers MtaKit in a generic host.</summary>
public static class MtaKitServiceCollectionExtensions
{
    /// <summary>
    /// Adds an MtaKit SMTP server configured from <paramref name="configuration"/> (the <c>MtaKit</c>
    /// section: listeners, limits, routing, ...). Compose stages and the message handler on the builder.
    /// </summary>
    public static MtaKitBuilder AddMtaKit(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = new MtaKitBuilder(services, configuration);
        services.AddSingleton(builder);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMtaKitDns(configuration);
        services.AddSingleton<SmtpServerHost>();
        services.AddHostedService(sp => sp.GetRequiredService<SmtpServerHost>());
        services.AddMtaKitHealth(configuration);
        return builder;
    }
}
