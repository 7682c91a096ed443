using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtaKit.Samples.Network;

/// <summary>
/// The outbound relay's generated files in the run directory: a self-signed TLS certificate for the
/// submission listener, the users file with the demo user, and the DKIM private key (its public half
/// goes into the network's zone).
/// </summary>
internal sealed record OutboundFiles
{
    /// <summary>The demo user, allowed to send as any address of the network's domain.</summary>
    public const string DemoUser = "carol@" + NetworkHosts.Domain;

    /// <summary>The demo user's password (a demo: printed by <c>--serve</c> for swaks).</summary>
    public const string DemoPassword = "demo password";

    public required string CertificatePath { get; init; }

    public required string KeyPath { get; init; }

    /// <summary>The certificate, the only trust anchor of the demo's submission client.</summary>
    public required X509Certificate2 Certificate { get; init; }

    public required string UsersFile { get; init; }

    public required string User { get; init; }

    public required string DkimKeyPath { get; init; }

    /// <summary>The DKIM public key (SubjectPublicKeyInfo, base64) for the <c>p=</c> tag.</summary>
    public required string DkimPublicKey { get; init; }

    public static async Task<OutboundFiles> CreateAsync(string directory, string hostName, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        using var tlsKey = ECDsa.Create(ECCurve.NamedCurves.nistP256); // quick to generate, unlike a second RSA key
        var request = new CertificateRequest("CN=" + hostName, tlsKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostName);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certificatePath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        await File.WriteAllTextAsync(certificatePath, selfSigned.ExportCertificatePem(), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(keyPath, tlsKey.ExportPkcs8PrivateKeyPem(), cancellationToken).ConfigureAwait(false);

        using var dkim = RSA.Create(2048);
        var dkimKeyPath = Path.Combine(directory, $"{NetworkHosts.Domain}.{NetworkHosts.DkimSelector}.pem");
        await File.WriteAllTextAsync(dkimKeyPath, dkim.ExportPkcs8PrivateKeyPem(), cancellationToken).ConfigureAwait(false);

        var usersFile = Path.Combine(directory, "users");
        await MtaKit.UsersFile.SetUserAsync(usersFile, DemoUser, DemoPassword, cancellationToken).ConfigureAwait(false);
        return new OutboundFiles
        {
            CertificatePath = certificatePath,
            KeyPath = keyPath,
            Certificate = X509CertificateLoader.LoadCertificate(selfSigned.RawData),
            UsersFile = usersFile,
            User = DemoUser,
            DkimKeyPath = dkimKeyPath,
            DkimPublicKey = Convert.ToBase64String(dkim.ExportSubjectPublicKeyInfo()),
        };
    }
}
