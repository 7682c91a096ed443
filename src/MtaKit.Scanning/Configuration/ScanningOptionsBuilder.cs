namespace MtaKit.Scanning;

/// <summary>
/// Builds <see cref="ScanningOptions"/> from code with the same names as configuration:
/// <c>new ScanningOptionsBuilder().AddClamd("10.0.0.5:3310", weight: 2).AddSpamd("10.0.0.7:783").Build()</c>.
/// Start from bound options to add to them.
/// </summary>
public sealed class ScanningOptionsBuilder
{
    private readonly List<ScannerEndpointOptions> _clamd;
    private readonly List<ScannerEndpointOptions> _spamd;
    private readonly List<ScannerEndpointOptions> _rspamd;
    private ScanningOptions _options;

    /// <summary>Starts from <paramref name="options"/>, or from the defaults.</summary>
    /// <param name="options">Options bound from configuration, or null.</param>
    public ScanningOptionsBuilder(ScanningOptions? options = null)
    {
        _options = options ?? new ScanningOptions();
        _clamd = [.. _options.Clamd.Endpoints];
        _spamd = [.. _options.Spamd.Endpoints];
        _rspamd = [.. _options.Rspamd.Endpoints];
    }

    /// <summary>Adds a clamd endpoint.</summary>
    /// <param name="address"><c>host:port</c> or <c>unix:/path</c>.</param>
    /// <param name="weight">Its share within its priority.</param>
    /// <param name="priority">Higher priorities are used first.</param>
    public ScanningOptionsBuilder AddClamd(string address, int weight = 1, int priority = 0)
        => Add(_clamd, address, weight, priority);

    /// <summary>Adds a spamd endpoint.</summary>
    /// <param name="address"><c>host:port</c> or <c>unix:/path</c>.</param>
    /// <param name="weight">Its share within its priority.</param>
    /// <param name="priority">Higher priorities are used first.</param>
    public ScanningOptionsBuilder AddSpamd(string address, int weight = 1, int priority = 0)
        => Add(_spamd, address, weight, priority);

    /// <summary>Adds an rspamd endpoint.</summary>
    /// <param name="address"><c>http://host:port</c> (or <c>host:port</c>, or <c>unix:/path</c>).</param>
    /// <param name="weight">Its share within its priority.</param>
    /// <param name="priority">Higher priorities are used first.</param>
    public ScanningOptionsBuilder AddRspamd(string address, int weight = 1, int priority = 0)
        => Add(_rspamd, address, weight, priority);

    /// <summary>Turns the embedded scanners on, optionally changing their settings.</summary>
    /// <param name="configure">Returns changed settings (<c>e => e with { BlockEncryptedArchives = false }</c>).</param>
    public ScanningOptionsBuilder UseEmbedded(Func<EmbeddedOptions, EmbeddedOptions>? configure = null)
    {
        var embedded = _options.Embedded with { Enabled = true };
        _options = _options with { Embedded = configure?.Invoke(embedded) ?? embedded };
        return this;
    }

    /// <summary>Sets what happens when a scanner kind cannot scan a message.</summary>
    /// <param name="policy">Defer (the default) or accept with a header.</param>
    public ScanningOptionsBuilder OnFailure(ScanFailPolicy policy)
    {
        _options = _options with { FailPolicy = policy };
        return this;
    }

    /// <summary>Sets the per-attempt timeout and, optionally, the total timeout per kind.</summary>
    /// <param name="timeout">One attempt on one endpoint.</param>
    /// <param name="totalTimeout">All attempts together; unchanged when null.</param>
    public ScanningOptionsBuilder WithTimeout(TimeSpan timeout, TimeSpan? totalTimeout = null)
    {
        _options = _options with { Timeout = timeout, TotalTimeout = totalTimeout ?? _options.TotalTimeout };
        return this;
    }

    /// <summary>Sets the spam thresholds.</summary>
    /// <param name="tagScore">Tag from this score on.</param>
    /// <param name="rejectScore">Reject from this score on.</param>
    public ScanningOptionsBuilder WithSpamScores(double tagScore, double rejectScore)
    {
        _options = _options with { Spam = _options.Spam with { TagScore = tagScore, RejectScore = rejectScore } };
        return this;
    }

    /// <summary>Sets what the data-scan stage does with a message tagged as spam.</summary>
    /// <param name="action">Deliver with headers (the default) or quarantine.</param>
    /// <param name="rewriteSubject">Also put a prefix in front of the subject (breaks DKIM signatures; off by default).</param>
    /// <param name="subjectPrefix">The prefix; unchanged (<c>[SPAM]</c>) when null.</param>
    public ScanningOptionsBuilder OnSpamTagged(SpamTagAction action, bool rewriteSubject = false, string? subjectPrefix = null)
    {
        _options = _options with { Spam = _options.Spam with { TagAction = action, RewriteSubject = rewriteSubject, SubjectPrefix = subjectPrefix ?? _options.Spam.SubjectPrefix } };
        return this;
    }

    /// <summary>Sets what the data-scan stage does with a message a virus scanner refused as too large.</summary>
    /// <param name="policy">Reject with 552 5.3.4 (the default) or accept it marked unscanned.</param>
    public ScanningOptionsBuilder OnTooLarge(ScanTooLargePolicy policy)
    {
        _options = _options with { TooLargePolicy = policy };
        return this;
    }

    /// <summary>Returns the options (not yet validated: <see cref="ScannerSetFactory.Create"/> validates them).</summary>
    public ScanningOptions Build() => _options with
    {
        Clamd = _options.Clamd with { Endpoints = [.. _clamd] },
        Spamd = _options.Spamd with { Endpoints = [.. _spamd] },
        Rspamd = _options.Rspamd with { Endpoints = [.. _rspamd] },
    };

    private ScanningOptionsBuilder Add(List<ScannerEndpointOptions> list, string address, int weight, int priority)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        list.Add(new ScannerEndpointOptions { Address = address, Weight = weight, Priority = priority });
        return this;
    }
}
