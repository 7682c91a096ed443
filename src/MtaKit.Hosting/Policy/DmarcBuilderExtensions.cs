using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using MtaKit.Hosting.Configuration;

namespace MtaKit.Hosting;

/// <summary>Adds DKIM verification, DMARC and the Authentication-Results header (<see cref="DmarcStage"/>) to an MtaKit host.</summary>
public static class DmarcBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="DmarcStage"/> as a data stage, with options from <c>MtaKit:Dmarc</c> (<c>Enabled</c>, <c>Enforce</c>,
    /// <c>QuarantineAction</c>, <c>DeferOnTempError</c>, <c>AddAuthenticationResults</c>, <c>AuthServId</c>,
    /// <c>PublicSuffixListPath</c>) and <c>MtaKit:Dkim</c> (<c>MaxSignatures</c>, <c>MinimumRsaKeyBits</c>, <c>AllowRsaSha1</c>).
    /// Uses the shared <see cref="IDnsResolver"/>; an <see cref="SpfEvaluator"/> registered by an SPF stage is reused, else one is
    /// added. Invalid keys fail the host at start, each named. Add it after the stages that should see the message first
    /// and before scanning stages that may want its results (<see cref="SmtpTransaction.Properties"/>).
    /// </summary>
    /// <param name="builder">The MtaKit builder.</param>
    /// <param name="configure">Changes the options read from configuration, in code.</param>
    public static MtaKitBuilder UseDmarc(this MtaKitBuilder builder, Func<DmarcOptions, DmarcOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        builder.Services.TryAddSingleton(sp => new SpfEvaluator(sp.GetRequiredService<IDnsResolver>(), null, sp.GetService<TimeProvider>(), sp.GetService<ILogger<SpfEvaluator>>()));
        builder.Services.TryAddSingleton(sp =>
        {
            var errors = new List<string>();
            var dkimOptions = ReadDkim(configuration.GetSection("Dkim"), errors);
            var options = ReadDmarc(configuration.GetSection("Dmarc"), errors);
            options = configure?.Invoke(options) ?? options;
            errors.AddRange(dkimOptions.Validate());
            errors.AddRange(options.Validate());
            ConfigurationErrors.ThrowIfAny(errors);

            var resolver = sp.GetRequiredService<IDnsResolver>();
            var time = sp.GetService<TimeProvider>();
            var suffixes = options.PublicSuffixListPath is { } path ? PublicSuffixList.Load(path) : PublicSuffixList.Default;
            return new DmarcStage(
                new DkimChecker(resolver, dkimOptions, time, sp.GetService<ILogger<DkimChecker>>()),
                new DmarcEvaluator(resolver, suffixes, null, sp.GetService<ILogger<DmarcEvaluator>>()),
                sp.GetRequiredService<SpfEvaluator>(),
                options,
                sp.GetService<ILogger<DmarcStage>>());
        });
        return builder.UseStage(sp => sp.GetRequiredService<DmarcStage>());
    }

    private static DkimOptions ReadDkim(IConfiguration s, List<string> errors)
    {
        const string P = "MtaKit:Dkim:";
        var d = new DkimOptions();
        return new DkimOptions
        {
            MaxSignatures = MtaKitConfigurationReader.Get(s, "MaxSignatures", d.MaxSignatures, P, errors),
            MinimumRsaKeyBits = MtaKitConfigurationReader.Get(s, "MinimumRsaKeyBits", d.MinimumRsaKeyBits, P, errors),
            AllowRsaSha1 = MtaKitConfigurationReader.Get(s, "AllowRsaSha1", d.AllowRsaSha1, P, errors),
        };
    }

    private static DmarcOptions ReadDmarc(IConfiguration s, List<string> errors)
    {
        const string P = "MtaKit:Dmarc:";
        var d = new DmarcOptions();
        return new DmarcOptions
        {
            Enabled = MtaKitConfigurationReader.Get(s, "Enabled", d.Enabled, P, errors),
            Enforce = MtaKitConfigurationReader.Get(s, "Enforce", d.Enforce, P, errors),
            QuarantineAction = MtaKitConfigurationReader.Get(s, "QuarantineAction", d.QuarantineAction, P, errors),
            DeferOnTempError = MtaKitConfigurationReader.Get(s, "DeferOnTempError", d.DeferOnTempError, P, errors),
            AddAuthenticationResults = MtaKitConfigurationReader.Get(s, "AddAuthenticationResults", d.AddAuthenticationResults, P, errors),
            AuthServId = s["AuthServId"] is { Length: > 0 } id ? id : null,
            PublicSuffixListPath = s["PublicSuffixListPath"] is { Length: > 0 } path ? path : null,
        };
    }
}
