using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MtaKit.Scanning;

using MtaKit.Hosting.Configuration;

namespace MtaKit.Hosting;

/// <summary>
/// Adds virus and spam scanning to an MtaKit host: the scanners from <c>MtaKit:Scanning</c> (and code)
/// as one <see cref="ScannerSet"/> singleton, and the data-scan stage at this point of the pipeline.
/// </summary>
/// <example>
/// <code>
/// builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
///     .UseScanning(scan => scan
///         .AddClamd("10.0.0.5:3310", weight: 2)
///         .AddClamd("10.0.0.6:3310")
///         .AddSpamd("10.0.0.7:783"))
///     .UseMessageHandler&lt;MyHandler&gt;();
/// </code>
/// </example>
public static class ScanningBuilderExtensions
{
    /// <summary>
    /// Adds the data-scan stage with the scanners configured under <c>MtaKit:Scanning</c>. The options
    /// are read and validated when the host starts; a configuration that names no scanner at all
    /// fails the start unless <c>MtaKit:Scanning:Embedded:Enabled</c> is <c>true</c> (no silent non-scanning).
    /// </summary>
    /// <param name="builder">The MtaKit builder.</param>
    /// <exception cref="InvalidOperationException">Scanning was added already.</exception>
    public static MtaKitBuilder UseScanning(this MtaKitBuilder builder) => UseScanning(builder, _ => { });

    /// <summary>
    /// Adds the data-scan stage with the scanners configured under <c>MtaKit:Scanning</c> plus those
    /// <paramref name="configure"/> adds or changes in code (applied to the bound options).
    /// </summary>
    /// <param name="builder">The MtaKit builder.</param>
    /// <param name="configure">Edits the options (<c>scan => scan.AddClamd("10.0.0.5:3310", weight: 2)</c>).</param>
    /// <exception cref="InvalidOperationException">Scanning was added already.</exception>
    public static MtaKitBuilder UseScanning(this MtaKitBuilder builder, Action<ScanningOptionsBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        if (builder.Services.Any(d => d.ServiceType == typeof(ScanningOptions)))
        {
            throw new InvalidOperationException("UseScanning() was called twice: one data-scan stage runs every scanner (add them all in one call or in MtaKit:Scanning).");
        }

        var section = builder.Configuration.GetSection("Scanning");
        builder.Services.AddSingleton(_ => ReadOptions(section, configure));
        builder.Services.TryAddSingleton(sp => ScannerSetFactory.Create(
            sp.GetRequiredService<ScanningOptions>(), sp.GetService<TimeProvider>(), sp.GetService<ILoggerFactory>()));
        builder.UseStage(sp =>
        {
            var options = sp.GetRequiredService<ScanningOptions>();
            var scanners = sp.GetRequiredService<ScannerSet>();
            var loggers = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            CheckSizes(builder, options, loggers.CreateLogger(ScanningStage.LogCategory));
            return ScanningStage.Create(scanners, options, loggers);
        });
        return builder;
    }

    /// <summary>Binds <c>MtaKit:Scanning</c>, applies the code edits and validates; throws listing every problem by key.</summary>
    internal static ScanningOptions ReadOptions(IConfigurationSection section, Action<ScanningOptionsBuilder> configure)
    {
        var errors = new List<string>();
        ScanningOptions bound;
        try
        {
            bound = section.Get<ScanningOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new ScanningOptions();
        }
        catch (InvalidOperationException e)
        {
            errors.Add($"{ScanningOptions.SectionName}: {e.Message}");
            bound = new ScanningOptions();
        }

        var code = new ScanningOptionsBuilder(bound);
        configure(code);
        var options = code.Build();
        errors.AddRange(options.Validate());
        if (options.Clamd.Endpoints.Count + options.Spamd.Endpoints.Count + options.Rspamd.Endpoints.Count == 0 && !options.Embedded.Enabled)
        {
            errors.Add($"{ScanningOptions.SectionName} names no scanner: set {ScanningOptions.SectionName}:Clamd:Endpoints:0:Address "
                + $"(or :Spamd: / :Rspamd:), or set {ScanningOptions.SectionName}:Embedded:Enabled=true to scan with the embedded scanners only "
                + "(in code: UseScanning(scan => scan.AddClamd(\"host:3310\")) or scan.UseEmbedded()).");
        }

        ConfigurationErrors.ThrowIfAny(errors);

        return options;
    }

    /// <summary>Warns about every listener that accepts messages a scanner will not take whole.</summary>
    private static void CheckSizes(MtaKitBuilder builder, ScanningOptions options, ILogger logger)
    {
        var server = SmtpServerHost.ReadOptions(builder.Configuration, builder.Edits, out _);
        var limits = new List<(string Scanner, long Max, string Key, string Consequence)>();
        var tooLarge = options.TooLargePolicy == ScanTooLargePolicy.Reject ? "are refused with 552 5.3.4 (TooLargePolicy Reject)" : "are accepted marked unscanned (TooLargePolicy Accept)";
        if (options.Clamd is { Endpoints.Count: > 0, MaxMessageSize: { } clamd })
        {
            limits.Add(("clamd", clamd, "MtaKit:Scanning:Clamd:MaxMessageSize", tooLarge));
        }

        if (options.Spamd is { Endpoints.Count: > 0, MaxMessageSize: { } spamd })
        {
            limits.Add(("spamd", spamd, "MtaKit:Scanning:Spamd:MaxMessageSize", "are not spam-scanned by spamd"));
        }

        if (options.Rspamd is { Endpoints.Count: > 0, MaxMessageSize: { } rspamd })
        {
            limits.Add(("rspamd", rspamd, "MtaKit:Scanning:Rspamd:MaxMessageSize", "are not spam-scanned by rspamd"));
        }

        if (options.Embedded.Enabled)
        {
            limits.Add(("the embedded scanners", options.Embedded.MaxMessageSize, "MtaKit:Scanning:Embedded:MaxMessageSize", "are not scanned by them"));
        }

        foreach (var listener in server.Listeners)
        {
            var max = (listener.Limits ?? server.Limits).MaxMessageSize;
            foreach (var (scanner, scannerMax, key, consequence) in limits.Where(l => l.Max < max))
            {
                ScanningHostingLog.ScannerLimitBelowListener(logger, listener.Name, max, scanner, scannerMax, key, consequence);
            }
        }

        var kinds = new[] { ("clamd", options.Clamd), ("spamd", options.Spamd), ("rspamd", options.Rspamd) }
            .Where(k => k.Item2.Endpoints.Count > 0)
            .Select(k => $"{k.Item1} x{k.Item2.Endpoints.Count}")
            .Concat(options.Embedded.Enabled ? ["embedded"] : []);
        ScanningHostingLog.Configured(logger, string.Join(", ", kinds), options.FailPolicy, options.TooLargePolicy, options.Spam.TagScore, options.Spam.RejectScore);
    }
}
