using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtaKit.Testing;

/// <summary>Self-signed certificates for TLS tests, written as PEM files.</summary>
public static class TestCertificates
{
    /// <summary>Creates a self-signed certificate for <paramref name="hostNames"/> and writes <c>cert.pem</c> and <c>key.pem</c> into <paramref name="directory"/>.</summary>
    /// <returns>The certificate and key paths.</returns>
    public static (string CertificatePath, string KeyPath) WritePem(string directory, params string[] hostNames)
    {
        Directory.CreateDirectory(directory);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + hostNames[0], key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in hostNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certPath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }
}
