using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MtaKit;

/// <summary>
/// Fetches DKIM public keys from TXT <c>selector._domainkey.domain</c> through MtaKit's <see cref="IDnsResolver"/>
/// (RFC 6376 section 3.6.2). Problems are <see cref="DkimKeyLookupException"/>s: transient for DNS failures, permanent otherwise.
/// </summary>
internal sealed class DnsDkimPublicKeyLocator(IDnsResolver resolver) : DkimPublicKeyLocatorBase
{
    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("DKIM keys are located asynchronously only.");

    public override async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        if (methods is not null && !methods.Split(':').Any(m => m.Trim().Equals("dns/txt", StringComparison.OrdinalIgnoreCase)))
        {
            throw new DkimKeyLookupException($"unsupported query method q={methods}", isTransient: false);
        }

        var name = $"{selector}._domainkey.{domain}";
        if (!DnsName.IsValidDomain(name, hostCharacters: false))
        {
            throw new DkimKeyLookupException($"'{name}' is not a valid key name", isTransient: false);
        }

        var answer = await resolver.QueryAsync(name, DnsRecordType.Txt, cancellationToken).ConfigureAwait(false);
        if (answer.IsFailure)
        {
            throw new DkimKeyLookupException($"DNS {answer.Status} looking up TXT {name}", isTransient: true);
        }

        if (answer.IsNegative)
        {
            throw new DkimKeyLookupException($"no key at {name} ({answer.Status})", isTransient: false);
        }

        // Only the first record that looks like a key is used (RFC 6376 section 3.6.2.2 allows taking one).
        var txt = answer.Records.Select(r => r.Text!).FirstOrDefault(t => t.Contains("p=", StringComparison.Ordinal))
            ?? throw new DkimKeyLookupException($"no key record at {name}", isTransient: false);
        var tags = DkimTagList.Parse(txt);
        if (tags.TryGetValue("v", out var v) && v != "DKIM1")
        {
            throw new DkimKeyLookupException($"key record at {name} has v={v}", isTransient: false);
        }

        if (tags.TryGetValue("p", out var p) && p.Length == 0)
        {
            throw new DkimKeyLookupException($"key at {name} is revoked (empty p=)", isTransient: false);
        }

        try
        {
            return GetPublicKey(txt);
        }
        catch (Exception ex) when (ex is ParseException or FormatException or ArgumentException or InvalidOperationException)
        {
            throw new DkimKeyLookupException($"key at {name} is malformed: {ex.Message}", isTransient: false);
        }
    }
}
