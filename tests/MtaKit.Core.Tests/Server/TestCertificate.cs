using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtaKit.Server;

namespace MtaKit.Core.Tests.Server;

/// <summary>A self-signed certificate written as PEM certificate and key files in a temp directory.</summary>
internal sealed class TestCertificate : IDisposable
{
    private TestCertificate(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    public string CertificatePath => Path.Combine(Directory, "cert.pem");

    public string KeyPath => Path.Combine(Directory, "key.pem");

    public SmtpTlsOptions TlsOptions => new() { Certificates = [new TlsCertificateSource { CertificatePath = CertificatePath, KeyPath = KeyPath }] };

    public static TestCertificate Create(string name = "mx.test")
    {
        var dir = Path.Combine(Path.GetTempPath(), "mtakit-cert-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var result = new TestCertificate(dir);
        File.WriteAllText(result.CertificatePath, cert.ExportCertificatePem());
        File.WriteAllText(result.KeyPath, key.ExportPkcs8PrivateKeyPem());
        return result;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
