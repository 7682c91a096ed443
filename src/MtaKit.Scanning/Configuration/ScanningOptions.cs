using System.Globalization;

namespace MtaKit.Scanning;

/// <summary>
/// Everything about scanning, shaped for configuration binding from <c>MtaKit:Scanning</c>:
/// the scanner endpoints per kind, the embedded scanners, timeouts, the fail policy and the spam
/// thresholds. Immutable after binding; call <see cref="Validate"/> once at start (the
/// <see cref="ScannerSetFactory"/> does).
/// </summary>
/// <example>
/// <code>
/// "MtaKit": { "Scanning": {
///   "Clamd":  { "Endpoints": [ { "Address": "10.0.0.5:3310", "Weight": 2 }, { "Address": "unix:/run/clamav/clamd.ctl", "Priority": -1 } ] },
///   "Spamd":  { "Endpoints": [ { "Address": "10.0.0.7:783" } ] },
///   "Rspamd": { "Endpoints": [ { "Address": "http://10.0.0.8:11333" } ] },
///   "Embedded": { "Enabled": true },
///   "FailPolicy": "Defer", "Timeout": "00:00:30",
///   "Spam": { "TagScore": 5, "RejectScore": 15 } } }
/// </code>
/// </example>
public sealed record ScanningOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MtaKit:Scanning";

    /// <summary>The clamd endpoints.</summary>
    public ScannerEndpointGroup Clamd { get; init; } = new();

    /// <summary>The spamd endpoints.</summary>
    public ScannerEndpointGroup Spamd { get; init; } = new();

    /// <summary>The rspamd endpoints.</summary>
    public ScannerEndpointGroup Rspamd { get; init; } = new();

    /// <summary>The embedded scanners.</summary>
    public EmbeddedOptions Embedded { get; init; } = new();

    /// <summary>What to do when a scanner kind cannot scan a message (no endpoint answered).</summary>
    /// <value>The default value is <see cref="ScanFailPolicy.Defer"/> (451 4.7.1).</value>
    public ScanFailPolicy FailPolicy { get; init; } = ScanFailPolicy.Defer;

    /// <summary>What the data-scan stage does with a message a virus scanner refused as too large (<see cref="ScanVerdict.TooLarge"/>).</summary>
    /// <value>The default value is <see cref="ScanTooLargePolicy.Reject"/> (552 5.3.4).</value>
    public ScanTooLargePolicy TooLargePolicy { get; init; } = ScanTooLargePolicy.Reject;

    /// <summary>How long one scan attempt on one endpoint may take (also the clients' read timeout).</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one scan may take on one kind, failovers included.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for a connection to a scanner.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The spam thresholds.</summary>
    public SpamOptions Spam { get; init; } = new();

    /// <summary>Checks the settings; returns one message per problem, each naming its configuration key. Empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        ValidateGroup(errors, "Clamd", Clamd, ClamdClientOptions.DefaultPort, allowUrl: false);
        ValidateGroup(errors, "Spamd", Spamd, SpamdClientOptions.DefaultPort, allowUrl: false);
        ValidateGroup(errors, "Rspamd", Rspamd, RspamdClientOptions.DefaultPort, allowUrl: true);
        errors.AddRange((Embedded ?? new()).Validate(SectionName + ":Embedded"));
        if (!Enum.IsDefined(FailPolicy))
        {
            errors.Add($"{SectionName}:FailPolicy must be Defer or Accept.");
        }

        if (!Enum.IsDefined(TooLargePolicy))
        {
            errors.Add($"{SectionName}:TooLargePolicy must be Reject or Accept.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:Timeout must be positive (was {Timeout}).");
        }

        if (TotalTimeout < Timeout)
        {
            errors.Add($"{SectionName}:TotalTimeout ({TotalTimeout}) must be at least {SectionName}:Timeout ({Timeout}).");
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:ConnectTimeout must be positive (was {ConnectTimeout}).");
        }

        var spam = Spam ?? new();
        if (spam.RejectScore < spam.TagScore)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{SectionName}:Spam:RejectScore ({spam.RejectScore}) must not be below {SectionName}:Spam:TagScore ({spam.TagScore})."));
        }

        if (!Enum.IsDefined(spam.TagAction))
        {
            errors.Add($"{SectionName}:Spam:TagAction must be Headers or Quarantine.");
        }

        if (spam.RewriteSubject && (string.IsNullOrWhiteSpace(spam.SubjectPrefix) || spam.SubjectPrefix.Any(char.IsControl)))
        {
            errors.Add($"{SectionName}:Spam:SubjectPrefix must be non-empty text on one line when {SectionName}:Spam:RewriteSubject is true.");
        }

        return errors;
    }

    private static void ValidateGroup(List<string> errors, string kind, ScannerEndpointGroup? group, int defaultPort, bool allowUrl)
    {
        if (group is null)
        {
            return;
        }

        var prefix = $"{SectionName}:{kind}";
        if (group.MaxMessageSize is < 1)
        {
            errors.Add($"{prefix}:MaxMessageSize must be at least 1 byte.");
        }

        for (var i = 0; i < group.Endpoints.Count; i++)
        {
            var endpoint = group.Endpoints[i];
            var key = $"{prefix}:Endpoints:{i}";
            if (endpoint is null)
            {
                errors.Add($"{key} is empty.");
                continue;
            }

            if (allowUrl ? !TryRspamdUrl(endpoint.Address, out _, out var error) : !ScannerAddress.TryParse(endpoint.Address, defaultPort, out _, out error))
            {
                errors.Add($"{key}:Address: {error}.");
            }
            else if (!allowUrl && endpoint.Address.Contains("://", StringComparison.Ordinal) && !endpoint.Address.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) && !endpoint.Address.StartsWith("spamd://", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{key}:Address: '{endpoint.Address}' must be host:port, tcp://host:port or unix:/path.");
            }

            if (endpoint.Weight < 1)
            {
                errors.Add($"{key}:Weight must be at least 1 (was {endpoint.Weight}).");
            }

            if (endpoint.MaxConcurrency < 1)
            {
                errors.Add($"{key}:MaxConcurrency must be at least 1 (was {endpoint.MaxConcurrency}).");
            }
        }
    }

    /// <summary>Reads an rspamd address: <c>http://host:port</c>, <c>unix:/path</c>, or bare <c>host:port</c> (taken as http).</summary>
    internal static bool TryRspamdUrl(string? address, out Uri? url, out string? error)
    {
        url = null;
        error = null;
        if (string.IsNullOrWhiteSpace(address))
        {
            error = "the address is empty";
            return false;
        }

        var text = address.Trim();
        if (!text.Contains("://", StringComparison.Ordinal) && !text.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            text = "http://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != "unix")
            || (url.Scheme == Uri.UriSchemeHttp && string.IsNullOrEmpty(url.Host)))
        {
            error = $"'{address}' is not an http://host:port URL or unix:/path (https is not supported)";
            url = null;
            return false;
        }

        return true;
    }
}
