using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MtaKit.Hosting.Configuration;
using MtaKit.Queueing;
using MtaKit.Routing;
using MtaKit.Server;

namespace MtaKit.Hosting;

/// <summary>Makes a host a fallback tier: durable spool, queue runner, tier hand-off.</summary>
public static class FallbackTierBuilderExtensions
{
    /// <summary>
    /// Configures this host as a fallback tier from <c>MtaKit:Queue</c> (spool path, tier window,
    /// retry rules, next tier, trusted tier networks) and <c>MtaKit:Routing</c> (where mail goes).
    /// Accepted mail is spooled (fsynced) before 250; the hand-off parameter is advertised and
    /// accepted only from <c>MtaKit:Queue:TrustedTierNetworks</c>; DSN is offered. The tier policy is
    /// the one named by <c>MtaKit:Queue:Tier:Policy</c>, among the built-in ones and those added with
    /// <see cref="AddTierPolicy{TPolicy}(MtaKitBuilder)"/>. Routes whose next hop is <c>mx</c> deliver by MX
    /// through the shared DNS resolver (<c>MtaKit:Delivery:MxPort</c>, <c>PreferIPv6</c>, <c>MtaSts</c>:
    /// RFC 8461 policies honoured, on by default). Routes and relay networks follow configuration
    /// reloads (the next delivery attempt uses the new routes).
    /// </summary>
    public static MtaKitBuilder UseFallbackTier(this MtaKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var errors = new List<string>();
        var queue = new QueueOptions();
        builder.Configuration.GetSection("Queue").Bind(queue);
        errors.AddRange(queue.Validate());
        // read here for the start-up errors; ReloadingRouteTable builds (and rebuilds) the routes
        RoutingConfigurationReader.Read(builder.Configuration, errors);
        ConfigurationErrors.ReadNetworks(builder.Configuration, "Routing:RelayNetworks", errors);
        var trusted = ConfigurationErrors.ReadNetworks(builder.Configuration, "Queue:TrustedTierNetworks", errors);
        var mxPort = MtaKitConfigurationReader.Get(builder.Configuration, "Delivery:MxPort", 25, "MtaKit:", errors);
        var preferIPv6 = MtaKitConfigurationReader.Get(builder.Configuration, "Delivery:PreferIPv6", false, "MtaKit:", errors);
        var mtaSts = MtaKitConfigurationReader.Get(builder.Configuration, "Delivery:MtaSts", true, "MtaKit:", errors);
        if (mxPort is < 1 or > 65535)
        {
            errors.Add($"MtaKit:Delivery:MxPort: {mxPort} is not a TCP port (1-65535; MX hosts listen on 25).");
        }

        builder.Services.AddSingleton(sp =>
        {
            ConfigurationErrors.ThrowIfAny(errors);
            return new ReloadingRouteTable(
                builder.Configuration,
                (routes, problems) => new RelayControlOptions
                {
                    LocalDomains = [.. routes.Routes.SelectMany(r => r.Domains).Where(d => !d.IsAny)],
                    RelayNetworks = [.. trusted, .. ConfigurationErrors.ReadNetworks(builder.Configuration, "Routing:RelayNetworks", problems)],
                },
                sp.GetService<ILoggerFactory>()?.CreateLogger("MtaKit.Queue") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        });
        builder.Services.AddSingleton(sp =>
        {
            ITierPolicy? policy = null;
            if (!string.IsNullOrWhiteSpace(queue.Tier.Policy)) // an empty name is already reported by QueueOptions.Validate
            {
                try
                {
                    // Registered policies first, so an application may replace a built-in one by name.
                    policy = TierPolicies.Select([.. sp.GetServices<ITierPolicy>(), TierPolicies.CreateDefault()], queue.Tier.Policy);
                }
                catch (ArgumentException e)
                {
                    errors.Add(e.Message.Split(" (Parameter", 2)[0]);
                }
            }

            ConfigurationErrors.ThrowIfAny(errors);

            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            var spool = new FileMessageSpool(new FileMessageSpoolOptions { Path = queue.SpoolPath }, logger: sp.GetService<ILogger<FileMessageSpool>>());
            var serverName = builder.Configuration["ServerName"] ?? Dns.GetHostName();
            var dns = sp.GetRequiredService<IDnsResolver>();
            var runnerOptions = new QueueRunnerOptions
            {
                HostName = serverName,
                SuppressDsnForUnvalidatedSenders = queue.Dsn.SuppressForUnvalidatedSenders,
                MxResolver = new MxResolver(dns, preferIPv6: preferIPv6),
                MxPort = mxPort,
                MtaSts = mtaSts ? new MtaStsResolver(dns, new HttpMtaStsPolicyFetcher(logger: sp.GetService<ILoggerFactory>()?.CreateLogger("MtaKit.Mx")), time, sp.GetService<ILoggerFactory>()?.CreateLogger("MtaKit.Mx")) : null,
            };
            return new QueueRunner(
                QueueTier.Create(queue.Tier),
                spool,
                sp.GetRequiredService<ReloadingRouteTable>(),
                runnerOptions,
                policy,
                hints: null,
                timeProvider: time,
                logger: sp.GetService<ILoggerFactory>()?.CreateLogger("MtaKit.Queue"));
        });
        builder.Services.AddSingleton(sp => new QueueGauges(
            sp.GetRequiredService<QueueRunner>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        builder.Services.AddHostedService(sp => new QueueRunnerHost(sp.GetRequiredService<QueueRunner>(), sp.GetRequiredService<QueueGauges>()));
        builder.Services.AddHostedService(sp => new QueueControlServer(
            sp.GetRequiredService<QueueRunner>(),
            queue.SpoolPath,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILoggerFactory>()?.CreateLogger("MtaKit.Queue") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
        builder.UseMessageHandler(sp =>
        {
            var runner = sp.GetRequiredService<QueueRunner>();
            return new SpoolingMessageHandler(runner.Spool, runner, sp.GetService<TimeProvider>());
        });
        builder.UseRelayControl(sp => sp.GetRequiredService<ReloadingRouteTable>());
        builder.ConfigureServer(options =>
        {
            foreach (var target in queue.Tier.NextTier)
            {
                if (EndPointParser.TryParse(target, out var ep) && options.Listeners.Any(l => l.EndPoint.Port == ep!.Port && (l.EndPoint.Address.Equals(ep.Address) || l.EndPoint.Address.Equals(IPAddress.Any) || l.EndPoint.Address.Equals(IPAddress.IPv6Any))))
                {
                    throw new InvalidOperationException($"Invalid MtaKit configuration:{Environment.NewLine}  - MtaKit:Queue:Tier:NextTier '{target}' is this host's own listener: a tier must not hand mail back to itself.");
                }
            }

            return options with
            {
                Listeners = [.. options.Listeners.Select(l => l with
                {
                    ExtraMailParameters = [.. l.ExtraMailParameters, TierHandOffParameter.Name],
                    ExtraMailParametersFrom = [.. l.ExtraMailParametersFrom, .. trusted],
                    Extensions = l.Extensions | SmtpExtensions.Dsn,
                })],
            };
        });
        return builder;
    }

    /// <summary>
    /// Adds a custom tier policy that <c>MtaKit:Queue:Tier:Policy</c> can select by its
    /// <see cref="ITierPolicy.Name"/> (as YARP selects load-balancing policies); created by DI.
    /// </summary>
    /// <typeparam name="TPolicy">The policy type.</typeparam>
    public static MtaKitBuilder AddTierPolicy<TPolicy>(this MtaKitBuilder builder)
        where TPolicy : class, ITierPolicy
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ITierPolicy, TPolicy>();
        return builder;
    }

    /// <summary>Adds a custom tier policy instance that <c>MtaKit:Queue:Tier:Policy</c> can select by its <see cref="ITierPolicy.Name"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="policy">The policy.</param>
    public static MtaKitBuilder AddTierPolicy(this MtaKitBuilder builder, ITierPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(policy);
        builder.Services.AddSingleton(policy);
        return builder;
    }

    // holds the gauges so they exist while the runner runs
    private sealed class QueueRunnerHost(QueueRunner runner, QueueGauges gauges) : IHostedService
    {
        public QueueGauges Gauges => gauges;

        public Task StartAsync(CancellationToken cancellationToken) => runner.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => runner.StopAsync();
    }
}
