using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using MimeKit.Cryptography;

namespace MtaKit;

/// <summary>
/// Verifies the DKIM signatures of a message (RFC 6376) with MimeKit's <see cref="DkimVerifier"/>, fetching keys
/// through MtaKit's <see cref="IDnsResolver"/>. Every <c>DKIM-Signature</c> up to <see cref="DkimOptions.MaxSignatures"/>
/// gets its own result; a DNS timeout or SERVFAIL is <see cref="DkimResult.TempError"/>, never a failure. Thread-safe.
/// </summary>
/// <example>
/// <c>var dkim = await checker.VerifyAsync(context.Message, context.Aborted);</c> in a data stage: header fields the
/// engine or stages prepended (Received, ...) are not signed and do not change the result.
/// </example>
public sealed class DkimChecker
{
    private static readonly Meter Meter = new("MtaKit");
    private static readonly Counter<long> SignatureCounter = Meter.CreateCounter<long>("mtakit.dkim.signatures", description: "DKIM signatures verified, tagged result");
    private readonly DkimVerifier _verifier;
    private readonly DkimOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates a checker.</summary>
    /// <param name="resolver">The DNS resolver for the keys (usually the process's caching <see cref="DnsResolver"/>).</param>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock for signature expiry (<c>x=</c>).</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public DkimChecker(IDnsResolver resolver, DkimOptions? options = null, TimeProvider? timeProvider = null, ILogger<DkimChecker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _options = options ?? new DkimOptions();
        var errors = _options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _verifier = new DkimVerifier(new DnsDkimPublicKeyLocator(resolver)) { MinimumRsaKeyLength = _options.MinimumRsaKeyBits };
        if (_options.AllowRsaSha1)
        {
            _verifier.Enable(DkimSignatureAlgorithm.RsaSha1);
        }
    }

    /// <summary>Parses the message and verifies its signatures.</summary>
    /// <param name="message">The message bytes (for example <see cref="DataContext.Message"/>).</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    public async ValueTask<DkimCheckResult> VerifyAsync(IMessageContent message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stream = message.OpenRead();
        await using (stream.ConfigureAwait(false))
        {
            using var parsed = await MimeMessage.LoadAsync(stream, cancellationToken).ConfigureAwait(false);
            return await VerifyMessageAsync(parsed, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Verifies the signatures of a parsed message (parsed from its original bytes, not re-created).</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    public async ValueTask<DkimCheckResult> VerifyMessageAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var signatures = message.Headers.Where(h => h.Id == HeaderId.DkimSignature).ToList();
        var results = new List<DkimSignatureResult>(Math.Min(signatures.Count, _options.MaxSignatures));
        foreach (var header in signatures.Take(_options.MaxSignatures))
        {
            var result = await VerifyOneAsync(message, header, cancellationToken).ConfigureAwait(false);
            DkimLog.Verified(_logger, result.Domain, result.Selector, result.Result, result.Problem);
            SignatureCounter.Add(1, new KeyValuePair<string, object?>("result", DkimSignatureResult.ResultName(result.Result)));
            results.Add(result);
        }

        var skipped = signatures.Count - results.Count;
        if (skipped > 0)
        {
            DkimLog.Skipped(_logger, skipped, _options.MaxSignatures);
        }

        return new DkimCheckResult(results, skipped);
    }

    private async ValueTask<DkimSignatureResult> VerifyOneAsync(MimeMessage message, Header header, CancellationToken cancellationToken)
    {
        var tags = DkimTagList.Parse(header.Value);
        var domain = tags.GetValueOrDefault("d", string.Empty).ToLowerInvariant();
        var selector = tags.GetValueOrDefault("s", string.Empty);
        var algorithm = tags.GetValueOrDefault("a");
        var b = tags.GetValueOrDefault("b", string.Empty);
        DkimSignatureResult Result(DkimResult r, string? problem)
            => new(r, domain, selector, tags.GetValueOrDefault("i"), algorithm, b.Length > 8 ? b[..8] : b, problem);

        if (tags.GetValueOrDefault("v") != "1" || domain.Length == 0 || selector.Length == 0 || b.Length == 0 || !tags.ContainsKey("bh") || !tags.ContainsKey("h"))
        {
            return Result(DkimResult.Neutral, "malformed signature: v=1, d=, s=, h=, bh= and b= are required");
        }

        if (!tags["h"].Split(':').Any(h => h.Trim().Equals("from", StringComparison.OrdinalIgnoreCase)))
        {
            return Result(DkimResult.PermError, "the From field is not signed");
        }

        if (string.Equals(algorithm, "rsa-sha1", StringComparison.OrdinalIgnoreCase) && !_options.AllowRsaSha1)
        {
            return Result(DkimResult.Neutral, "rsa-sha1 is not accepted (RFC 8301)");
        }

        if (tags.TryGetValue("x", out var x) && long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            && expires < _time.GetUtcNow().ToUnixTimeSeconds())
        {
            return Result(DkimResult.Fail, "signature expired");
        }

        try
        {
            var ok = await _verifier.VerifyAsync(message, header, cancellationToken).ConfigureAwait(false);
            return ok ? Result(DkimResult.Pass, null) : Result(DkimResult.Fail, "signature did not verify");
        }
        catch (DkimKeyLookupException ex)
        {
            return Result(ex.IsTransient ? DkimResult.TempError : DkimResult.PermError, ex.Message);
        }
        catch (Exception ex) when (ex is Org.BouncyCastle.Security.GeneralSecurityException or Org.BouncyCastle.Crypto.CryptoException)
        {
            return Result(DkimResult.PermError, "the key does not fit the signature: " + ex.Message);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or ParseException)
        {
            return Result(DkimResult.Neutral, "malformed signature: " + ex.Message);
        }
    }
}
