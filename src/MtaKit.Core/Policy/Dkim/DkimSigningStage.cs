using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;

namespace MtaKit;

/// <summary>
/// Signs outgoing mail with MimeKit's <see cref="DkimSigner"/> (relaxed/relaxed; rsa-sha256 or ed25519-sha256 by key type),
/// with every key of the signing domain: the From header's domain, or the nearest parent domain that has keys. The
/// signature covers the message exactly as the handler will store or relay it (the engine's Received header and every
/// header added by earlier stages included), so register this stage LAST among the data stages: a header added after
/// it is outside the signature. Mail without a key for its From domain passes unsigned.
/// </summary>
public sealed class DkimSigningStage : IDataStage
{
    private const string StageName = "dkim-sign";
    private readonly Dictionary<string, DkimSigner[]> _signers;
    private readonly string[] _headers;
    private readonly ILogger _logger;
    private readonly PolicyMetrics _metrics;

    /// <summary>Creates the stage and reads the keys.</summary>
    /// <param name="options">The keys and signed headers (validated here).</param>
    /// <param name="logger">The logger.</param>
    /// <param name="meterFactory">Creates the "MtaKit" meter (<c>mtakit.policy.verdicts</c>, stage <c>dkim-sign</c>: signed, unsigned, failed); a shared one by default.</param>
    /// <exception cref="ArgumentException">The options are invalid or a key file holds no usable private key.</exception>
    public DkimSigningStage(DkimSigningOptions options, ILogger<DkimSigningStage>? logger = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        var signers = new Dictionary<string, List<DkimSigner>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Keys.Count && errors.Count == 0; i++)
        {
            var key = options.Keys[i];
            if (TryCreateSigner(key, out var signer, out var problem))
            {
                var domain = key.Domain.TrimEnd('.');
                (signers.TryGetValue(domain, out var list) ? list : signers[domain] = []).Add(signer);
            }
            else
            {
                errors.Add($"MtaKit:Dkim:Keys:{i}:PrivateKeyPath: {problem}");
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _signers = signers.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
        _headers = [.. options.SignedHeaders];
        _logger = logger ?? NullLogger<DkimSigningStage>.Instance;
        _metrics = new PolicyMetrics(meterFactory);
    }

    /// <summary>Returns the signing domain for a From domain: the domain itself or its nearest parent with keys; <see langword="null"/> when none has keys.</summary>
    /// <param name="fromDomain">The From header's domain.</param>
    public string? SigningDomainFor(string fromDomain)
    {
        ArgumentNullException.ThrowIfNull(fromDomain);
        var domain = fromDomain.TrimEnd('.');
        while (domain.Length > 0)
        {
            if (_signers.TryGetValue(domain, out var signers))
            {
                return signers[0].Domain;
            }

            var dot = domain.IndexOf('.', StringComparison.Ordinal);
            domain = dot < 0 ? string.Empty : domain[(dot + 1)..];
        }

        return null;
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpVerdict> OnDataAsync(DataContext context, StageDelegate<DataContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var from = context.Headers[HeaderId.From];
        if (from is not null && InternetAddressList.TryParse(from, out var list) && list.Mailboxes.FirstOrDefault() is { } author
            && author.Domain is { Length: > 0 } fromDomain && SigningDomainFor(fromDomain) is { } domain)
        {
            await SignAsync(context, domain, _signers[domain]).ConfigureAwait(false);
        }
        else
        {
            DkimSigningLog.NotSigned(_logger, context.Transaction.Id, from ?? "(no From)");
            _metrics.Count(StageName, "unsigned");
        }

        return await next(context).ConfigureAwait(false);
    }

    private async ValueTask SignAsync(DataContext context, string domain, DkimSigner[] signers)
    {
        MimeMessage message;
        var stream = context.Message.OpenRead();
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                message = await MimeMessage.LoadAsync(stream, context.Aborted).ConfigureAwait(false);
            }
            catch (FormatException e)
            {
                DkimSigningLog.SigningFailed(_logger, context.Transaction.Id, domain, e);
                _metrics.Count(StageName, "failed");
                return;
            }
        }

        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        var values = new List<string>(signers.Length);
        foreach (var signer in signers)
        {
            try
            {
                signer.Sign(format, message, _headers);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or CryptoException)
            {
                DkimSigningLog.SigningFailed(_logger, context.Transaction.Id, domain, e);
                _metrics.Count(StageName, "failed");
                return;
            }

            // Sign() put the new DKIM-Signature on top; its folded raw value is added with CRLF folding
            // (relaxed canonicalisation makes the folding irrelevant to the hash).
            var raw = Encoding.ASCII.GetString(message.Headers[0].RawValue).Trim();
            values.Add(raw.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));
        }

        foreach (var value in values)
        {
            context.AddHeader("DKIM-Signature", value);
        }

        DkimSigningLog.Signed(_logger, context.Transaction.Id, domain, string.Join(',', signers.Select(s => s.Selector)));
        _metrics.Count(StageName, "signed");
    }

    private static bool TryCreateSigner(DkimSigningKey key, out DkimSigner signer, out string problem)
    {
        signer = null!;
        object? pem;
        try
        {
            using var reader = new StreamReader(key.PrivateKeyPath);
            pem = new PemReader(reader).ReadObject();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PemException or InvalidCastException or ArgumentException)
        {
            problem = e.Message;
            return false;
        }

        var privateKey = pem switch
        {
            AsymmetricCipherKeyPair pair => pair.Private,
            AsymmetricKeyParameter { IsPrivate: true } p => p,
            _ => null,
        };
        DkimSignatureAlgorithm? algorithm = privateKey switch
        {
            RsaKeyParameters => DkimSignatureAlgorithm.RsaSha256,
            Ed25519PrivateKeyParameters => DkimSignatureAlgorithm.Ed25519Sha256,
            _ => null,
        };
        if (privateKey is null || algorithm is null)
        {
            problem = "not an RSA or Ed25519 private key in PEM form";
            return false;
        }

        signer = new DkimSigner(privateKey, key.Domain.TrimEnd('.'), key.Selector, algorithm.Value)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        problem = string.Empty;
        return true;
    }
}
