using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using MtaKit.Hosting.Configuration;

namespace MtaKit.Hosting;

/// <summary>Makes a host a submission server (AUTH from a users file, throttled failures, sender binding, completed headers) and adds DKIM signing.</summary>
public static class SubmissionBuilderExtensions
{
    /// <summary>
    /// Configures submission from <c>MtaKit:Auth</c>: AUTH PLAIN/LOGIN checked against <c>UsersFile</c> (re-read when it changes)
    /// with failures throttled per client and per user in the registered <see cref="IHintsStore"/> (<c>Throttle:*</c>: 535 5.7.8,
    /// then 454 4.7.0); a <see cref="SenderBindingStage"/> (<c>Senders:&lt;user&gt;:&lt;i&gt;</c>, <c>MaxRecipientsPerMessage</c>,
    /// <c>AllowOwnAddress</c>, <c>CheckFromHeader</c>) and a <see cref="SubmissionHeadersStage"/> (missing Date and Message-ID).
    /// Listeners opt in with <c>RequireAuth</c> (587 with STARTTLS, 465 with <c>ImplicitTls</c>). Everything is validated when the host starts.
    /// </summary>
    /// <param name="builder">The MtaKit builder.</param>
    public static MtaKitBuilder UseSubmission(this MtaKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        builder.Services.AddMtaKitHints(configuration);
        builder.Services.RemoveAll<ISmtpAuthenticator>();
        builder.Services.AddSingleton<ISmtpAuthenticator>(sp =>
        {
            var errors = new List<string>();
            var path = configuration["Auth:UsersFile"];
            if (string.IsNullOrWhiteSpace(path))
            {
                errors.Add("MtaKit:Auth:UsersFile is required by UseSubmission() (create it with the OutboundRelay sample's `user add`).");
            }

            var throttle = ReadThrottle(configuration.GetSection("Auth:Throttle"), errors);
            var store = HintsConfiguration.ResolveStore(sp, configuration, "AUTH throttling", errors);
            ConfigurationErrors.ThrowIfAny(errors);
            var users = new UsersFileAuthenticator(path!, sp.GetService<ILogger<UsersFileAuthenticator>>());
            return new ThrottlingAuthenticator(users, store, throttle, sp.GetService<ILogger<ThrottlingAuthenticator>>(), sp.GetService<IMeterFactory>());
        });
        builder.UseStage(sp =>
        {
            var errors = new List<string>();
            var options = ReadSenders(configuration.GetSection("Auth"), errors);
            ConfigurationErrors.ThrowIfAny(errors);
            return new SenderBindingStage(options, sp.GetService<ILogger<SenderBindingStage>>(), sp.GetService<IMeterFactory>());
        });
        builder.UseStage(sp => new SubmissionHeadersStage(sp.GetService<TimeProvider>(), null, sp.GetService<ILogger<SubmissionHeadersStage>>()));
        return builder;
    }

    /// <summary>
    /// Adds DKIM signing with the keys of <c>MtaKit:Dkim:Keys:&lt;i&gt;</c> (<c>Domain</c>, <c>Selector</c>, <c>PrivateKeyPath</c> of a PEM key,
    /// RSA or Ed25519) over the headers of <c>MtaKit:Dkim:SignedHeaders:&lt;i&gt;</c> (default <see cref="DkimSigningOptions.DefaultSignedHeaders"/>).
    /// Call it after every other stage that adds headers (scanning included): the signature covers what the earlier stages left.
    /// </summary>
    /// <param name="builder">The MtaKit builder.</param>
    public static MtaKitBuilder UseDkimSigning(this MtaKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        return builder.UseStage(sp =>
        {
            var errors = new List<string>();
            var options = ReadDkim(configuration.GetSection("Dkim"), errors);
            ConfigurationErrors.ThrowIfAny(errors);
            try
            {
                return new DkimSigningStage(options, sp.GetService<ILogger<DkimSigningStage>>(), sp.GetService<IMeterFactory>());
            }
            catch (ArgumentException e)
            {
                ConfigurationErrors.ThrowIfAny([e.Message.Replace(" (Parameter 'options')", string.Empty, StringComparison.Ordinal)]);
                throw;
            }
        });
    }

    private static AuthThrottleOptions ReadThrottle(IConfigurationSection section, List<string> errors)
    {
        const string P = "MtaKit:Auth:Throttle:";
        var d = new AuthThrottleOptions();
        var options = new AuthThrottleOptions
        {
            MaxFailuresPerIp = MtaKitConfigurationReader.Get(section, "MaxFailuresPerIp", d.MaxFailuresPerIp, P, errors),
            MaxFailuresPerUser = MtaKitConfigurationReader.Get(section, "MaxFailuresPerUser", d.MaxFailuresPerUser, P, errors),
            Window = MtaKitConfigurationReader.Get(section, "Window", d.Window, P, errors),
            Ipv4Prefix = MtaKitConfigurationReader.Get(section, "Ipv4Prefix", d.Ipv4Prefix, P, errors),
            Ipv6Prefix = MtaKitConfigurationReader.Get(section, "Ipv6Prefix", d.Ipv6Prefix, P, errors),
        };
        errors.AddRange(options.Validate(P));
        return options;
    }

    private static SenderBindingOptions ReadSenders(IConfigurationSection auth, List<string> errors)
    {
        const string P = "MtaKit:Auth:";
        var d = new SenderBindingOptions();
        var senders = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var user in auth.GetSection("Senders").GetChildren())
        {
            var list = user.Value is { Length: > 0 } single ? [single] : user.GetChildren().Select(c => c.Value ?? string.Empty).ToList();
            senders[user.Key] = list;
        }

        var options = new SenderBindingOptions
        {
            Senders = senders,
            AllowOwnAddress = MtaKitConfigurationReader.Get(auth, "AllowOwnAddress", d.AllowOwnAddress, P, errors),
            CheckFromHeader = MtaKitConfigurationReader.Get(auth, "CheckFromHeader", d.CheckFromHeader, P, errors),
            MaxRecipientsPerMessage = MtaKitConfigurationReader.Get(auth, "MaxRecipientsPerMessage", d.MaxRecipientsPerMessage, P, errors),
        };
        errors.AddRange(options.Validate(P));
        return options;
    }

    private static DkimSigningOptions ReadDkim(IConfigurationSection section, List<string> errors)
    {
        var keys = section.GetSection("Keys").GetChildren().Select(k => new DkimSigningKey
        {
            Domain = k["Domain"] ?? string.Empty,
            Selector = k["Selector"] ?? string.Empty,
            PrivateKeyPath = k["PrivateKeyPath"] ?? string.Empty,
        }).ToList();
        if (keys.Count == 0)
        {
            errors.Add("MtaKit:Dkim:Keys needs at least one key (Domain, Selector, PrivateKeyPath) for UseDkimSigning().");
        }

        var headers = section.GetSection("SignedHeaders").GetChildren().Select(h => h.Value ?? string.Empty).Where(h => h.Length > 0).ToList();
        return new DkimSigningOptions { Keys = keys, SignedHeaders = headers.Count > 0 ? headers : DkimSigningOptions.DefaultSignedHeaders };
    }
}
