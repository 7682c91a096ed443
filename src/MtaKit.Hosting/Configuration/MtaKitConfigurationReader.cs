using System.Net;
using System.Security.Authentication;
using Microsoft.Extensions.Configuration;
using MtaKit.Server;

namespace MtaKit.Hosting.Configuration;

/// <summary>
/// Reads the <c>MtaKit</c> configuration section into server options, collecting every problem
/// with the key that holds it (docs/configuration.md lists the keys).
/// </summary>
public static class MtaKitConfigurationReader
{
    /// <summary>Reads the server options; <paramref name="errors"/> gets one line per problem.</summary>
    /// <param name="section">The <c>MtaKit</c> section.</param>
    /// <param name="errors">Problems found, each naming its key.</param>
    public static SmtpServerOptions ReadServer(IConfiguration section, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(errors);
        var options = new SmtpServerOptions();
        if (section["ServerName"] is { Length: > 0 } name)
        {
            options = options with { ServerName = name };
        }

        if (section["Banner"] is { Length: > 0 } banner)
        {
            options = options with { Banner = banner };
        }

        if (section["TempDirectory"] is { Length: > 0 } temp)
        {
            options = options with { TempDirectory = temp };
        }

        options = options with
        {
            DrainTimeout = Get(section, "DrainTimeout", options.DrainTimeout, "MtaKit:", errors),
            Limits = BindLimits(section.GetSection("Limits"), SmtpLimits.Default, "MtaKit:Limits:", errors),
        };

        var listeners = new List<SmtpListenerOptions>();
        foreach (var child in section.GetSection("Listeners").GetChildren())
        {
            if (ReadListener(child, options.Limits, errors) is { } listener)
            {
                listeners.Add(listener);
            }
        }

        return options with { Listeners = listeners };
    }

    private static SmtpListenerOptions? ReadListener(IConfigurationSection s, SmtpLimits serverLimits, List<string> errors)
    {
        var p = $"MtaKit:Listeners:{s.Key}:";
        if (!EndPointParser.TryParse(s["Endpoint"], out var endPoint))
        {
            errors.Add(s["Endpoint"] is null
                ? $"{p}Endpoint is missing: set it to host:port, e.g. 127.0.0.1:2525 or [::1]:2525."
                : $"{p}Endpoint '{s["Endpoint"]}' is not host:port (e.g. 127.0.0.1:2525, [::1]:2525 or *:25).");
            return null;
        }

        var proxies = ConfigurationErrors.ReadNetworks(s, "TrustedProxies", errors, p);

        var listener = new SmtpListenerOptions
        {
            Name = s.Key,
            EndPoint = endPoint!,
            ProxyProtocol = Get(s, "ProxyProtocol", false, p, errors),
            TrustedProxies = proxies,
            ImplicitTls = Get(s, "ImplicitTls", false, p, errors),
            RequireTlsForAuth = Get(s, "RequireTlsForAuth", true, p, errors),
            RequireAuth = Get(s, "RequireAuth", false, p, errors),
            RequireTls = Get(s, "RequireTls", false, p, errors),
            GreetingDelay = Get(s, "GreetingDelay", TimeSpan.Zero, p, errors),
            BareLineEndings = Get(s, "BareLineEndings", BareLineEndingPolicy.Reject, p, errors),
            Tls = ReadTls(s.GetSection("Tls"), p + "Tls:", errors),
            ExtraMailParameters = [.. s.GetSection("ExtraMailParameters").GetChildren().Select(c => c.Value!.ToUpperInvariant())],
        };

        var ext = listener.Extensions;
        foreach (var item in s.GetSection("Extensions").GetChildren())
        {
            if (!Enum.TryParse<SmtpExtensions>(item.Key, ignoreCase: true, out var flag) || flag is SmtpExtensions.None or SmtpExtensions.Default)
            {
                errors.Add($"{p}Extensions:{item.Key} is not an extension (Pipelining, Size, EightBitMime, Chunking, BinaryMime, SmtpUtf8, Dsn, EnhancedStatusCodes).");
                continue;
            }

            ext = Get(s.GetSection("Extensions"), item.Key, true, p + "Extensions:", errors) ? ext | flag : ext & ~flag;
        }

        listener = listener with { Extensions = ext };
        var limits = s.GetSection("Limits");
        if (limits.Exists())
        {
            listener = listener with { Limits = BindLimits(limits, serverLimits, p + "Limits:", errors) };
        }

        return listener;
    }

    private static SmtpTlsOptions? ReadTls(IConfigurationSection s, string p, List<string> errors)
    {
        var sources = new List<TlsCertificateSource>();
        if (s["CertificatePath"] is { Length: > 0 } cert)
        {
            sources.Add(new TlsCertificateSource { CertificatePath = cert, KeyPath = s["KeyPath"], PfxPassword = s["PfxPassword"] });
        }

        foreach (var c in s.GetSection("Certificates").GetChildren())
        {
            if (c["CertificatePath"] is { Length: > 0 } path)
            {
                sources.Add(new TlsCertificateSource { CertificatePath = path, KeyPath = c["KeyPath"], PfxPassword = c["PfxPassword"] });
            }
            else
            {
                errors.Add($"{p}Certificates:{c.Key}:CertificatePath is missing.");
            }
        }

        if (sources.Count == 0)
        {
            return null;
        }

        var min = s["MinimumProtocol"] switch
        {
            null or "" or "Tls12" or "1.2" => SslProtocols.Tls12,
            "Tls13" or "1.3" => SslProtocols.Tls13,
            var other => Invalid(other),
        };
        return new SmtpTlsOptions { Certificates = sources, MinimumProtocol = min };

        SslProtocols Invalid(string value)
        {
            errors.Add($"{p}MinimumProtocol '{value}' must be Tls12 or Tls13.");
            return SslProtocols.Tls12;
        }
    }

    private static SmtpLimits BindLimits(IConfigurationSection s, SmtpLimits start, string p, List<string> errors)
    {
        var limits = start with { };
        foreach (var item in s.GetChildren())
        {
            if (typeof(SmtpLimits).GetProperty(item.Key, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase) is null)
            {
                errors.Add($"{p}{item.Key} is not a limit (see docs/configuration.md).");
            }
        }

        try
        {
            s.Bind(limits);
        }
        catch (InvalidOperationException e)
        {
            errors.Add($"{p}: {e.Message}");
        }

        return limits;
    }

    /// <summary>Reads one typed value, reporting a conversion failure with its key.</summary>
    public static T Get<T>(IConfiguration section, string key, T defaultValue, string prefix, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(errors);
        var raw = section[key];
        if (string.IsNullOrEmpty(raw))
        {
            return defaultValue;
        }

        try
        {
            return section.GetValue(key, defaultValue)!;
        }
        catch (InvalidOperationException)
        {
            errors.Add($"{prefix}{key} '{raw}' is not a valid {Describe(typeof(T))}.");
            return defaultValue;
        }
    }

    private static string Describe(Type t)
        => t == typeof(bool) ? "boolean (true or false)"
            : t == typeof(TimeSpan) ? "time span (hh:mm:ss)"
            : t.IsEnum ? "value (" + string.Join(", ", Enum.GetNames(t)) + ")"
            : t.Name;
}
