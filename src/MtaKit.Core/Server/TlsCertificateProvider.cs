using System.Security.Cryptography.X509Certificates;

namespace MtaKit.Server;

/// <summary>
/// Loads a listener's certificates, picks one by SNI, and reloads them when their files change
/// (checked at most every few seconds, on handshakes), so renewed certificates need no restart.
/// </summary>
internal sealed class TlsCertificateProvider : IDisposable
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);
    private readonly IReadOnlyList<TlsCertificateSource> _sources;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private Loaded[] _loaded;
    private long _nextCheck;

    public TlsCertificateProvider(IReadOnlyList<TlsCertificateSource> sources, TimeProvider time)
    {
        _sources = sources;
        _time = time;
        _loaded = [.. sources.Select(Load)];
        _nextCheck = time.GetTimestamp() + (long)(CheckInterval.TotalSeconds * time.TimestampFrequency);
    }

    public X509Certificate2 Select(string? serverName)
    {
        ReloadIfChanged();
        var loaded = _loaded;
        if (!string.IsNullOrEmpty(serverName))
        {
            foreach (var l in loaded)
            {
                if (l.Matches(serverName))
                {
                    return l.Certificate;
                }
            }
        }

        return loaded[0].Certificate;
    }

    private void ReloadIfChanged()
    {
        var now = _time.GetTimestamp();
        if (now < Volatile.Read(ref _nextCheck))
        {
            return;
        }

        lock (_lock)
        {
            if (now < _nextCheck)
            {
                return;
            }

            _nextCheck = now + (long)(CheckInterval.TotalSeconds * _time.TimestampFrequency);
            var current = _loaded;
            Loaded[]? next = null;
            for (var i = 0; i < current.Length; i++)
            {
                if (current[i].Stamp != Stamp(_sources[i]))
                {
                    try
                    {
                        next ??= (Loaded[])current.Clone();
                        next[i] = Load(_sources[i]);
                    }
                    catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
                    {
                        // A half-written renewal: keep serving the old certificate and try again later.
                    }
                }
            }

            if (next is not null)
            {
                _loaded = next;
            }
        }
    }

    private static (DateTime, DateTime) Stamp(TlsCertificateSource s)
        => (File.GetLastWriteTimeUtc(s.CertificatePath), s.KeyPath is null ? default : File.GetLastWriteTimeUtc(s.KeyPath));

    private static Loaded Load(TlsCertificateSource source)
    {
        var stamp = Stamp(source);
        X509Certificate2 cert;
        var ext = Path.GetExtension(source.CertificatePath);
        if (ext.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || ext.Equals(".p12", StringComparison.OrdinalIgnoreCase))
        {
            cert = X509CertificateLoader.LoadPkcs12FromFile(source.CertificatePath, source.PfxPassword);
        }
        else
        {
            using var pem = X509Certificate2.CreateFromPemFile(source.CertificatePath, source.KeyPath);

            // Round-trip through PKCS#12 so the key is usable by SslStream on every platform.
            cert = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }

        var names = new List<string>();
        foreach (var ext2 in cert.Extensions)
        {
            if (ext2 is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
            }
        }

        var cn = cert.GetNameInfo(X509NameType.DnsName, false);
        if (!string.IsNullOrEmpty(cn))
        {
            names.Add(cn);
        }

        return new Loaded(cert, stamp, [.. names.Select(n => n.ToLowerInvariant())]);
    }

    public void Dispose()
    {
        foreach (var l in _loaded)
        {
            l.Certificate.Dispose();
        }
    }

    private sealed record Loaded(X509Certificate2 Certificate, (DateTime, DateTime) Stamp, string[] Names)
    {
        public bool Matches(string serverName)
        {
            var name = serverName.ToLowerInvariant();
            foreach (var n in Names)
            {
                if (n == name || (n.StartsWith("*.", StringComparison.Ordinal) && name.EndsWith(n[1..], StringComparison.Ordinal) && name.IndexOf('.', StringComparison.Ordinal) == name.Length - n.Length + 1))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
