namespace MtaKit.Scanning;

/// <summary>
/// The industry test patterns. EICAR is stored XOR-ed with 0x5A and base64-encoded so that
/// antivirus software on a user's machine does not quarantine this assembly; it is decoded on first use.
/// </summary>
internal static class TestPatterns
{
    private const byte Key = 0x5A;
    private const string EncodedEicar = "Am8Vewp/GhsKAW4GCgACb25yCgRzbRkZc20nfh8TGRsIdwkOGxQeGwgedxsUDhMMEwgPCXcOHwkOdxwTFh97fhJxEnA=";

    private static readonly Lazy<byte[]> DecodedEicar = new(() =>
    {
        var bytes = Convert.FromBase64String(EncodedEicar);
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] ^= Key;
        }

        return bytes;
    });

    /// <summary>The signature name reported for EICAR.</summary>
    public const string EicarName = "Eicar-Test-Signature";

    /// <summary>The signature name reported for GTUBE.</summary>
    public const string GtubeName = "GTUBE";

    /// <summary>The 68-byte EICAR anti-malware test file.</summary>
    public static ReadOnlySpan<byte> Eicar => DecodedEicar.Value;

    /// <summary>The GTUBE spam test pattern (harmless to antivirus software).</summary>
    public static ReadOnlySpan<byte> Gtube => "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"u8;
}
