using MtaKit.Core.Tests.Policy.Dkim;

namespace MtaKit.Core.Tests.Dkim;

/// <summary>PEM files of the test keys published in TestData/Dkim/keys.zone (sel1: RSA, ed1: Ed25519).</summary>
internal static class DkimSigningTestKeys
{
    // PKCS#8 prefix of an Ed25519 private key (RFC 8410): what `openssl genpkey -algorithm ed25519` writes before the 32-byte seed.
    private static readonly byte[] Ed25519Pkcs8Prefix = Convert.FromHexString("302e020100300506032b657004220420");

    public static string RsaPath => Path.Combine(DkimTestData.Directory, "sel1.private");

    /// <summary>Writes ed1.key (dkimpy's raw base64 seed) as a PKCS#8 PEM file in <paramref name="directory"/>.</summary>
    public static string WriteEd25519Pem(string directory)
    {
        var seed = Convert.FromBase64String(DkimTestData.ReadText("ed1.key").Trim());
        var path = Path.Combine(directory, "ed1.pem");
        File.WriteAllText(path, "-----BEGIN PRIVATE KEY-----\n" + Convert.ToBase64String([.. Ed25519Pkcs8Prefix, .. seed]) + "\n-----END PRIVATE KEY-----\n");
        return path;
    }

    public static DkimSigningOptions Options(string directory, IReadOnlyList<string>? headers = null) => new()
    {
        Keys =
        [
            new DkimSigningKey { Domain = "example.test", Selector = "sel1", PrivateKeyPath = RsaPath },
            new DkimSigningKey { Domain = "example.test", Selector = "ed1", PrivateKeyPath = WriteEd25519Pem(directory) },
        ],
        SignedHeaders = headers ?? DkimSigningOptions.DefaultSignedHeaders,
    };
}
