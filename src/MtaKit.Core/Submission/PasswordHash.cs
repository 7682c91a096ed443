using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MtaKit;

/// <summary>
/// Password hashes of the users file: PBKDF2 with HMAC-SHA-256 (<see cref="Rfc2898DeriveBytes.Pbkdf2(string, byte[], int, HashAlgorithmName, int)"/>),
/// a random 16-byte salt per user, stored as <c>$pbkdf2-sha256$v=1$i=&lt;iterations&gt;$&lt;salt base64&gt;$&lt;hash base64&gt;</c>.
/// </summary>
public static class PasswordHash
{
    /// <summary>The iterations of a new hash (OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256).</summary>
    public const int DefaultIterations = 210_000;

    private const string Prefix = "$pbkdf2-sha256$v=1$i=";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // A stored hash below this is refused as unsafe (and bounds the CPU cost of a forged file the other way).
    private const int MinimumIterations = 1_000;
    private const int MaximumIterations = 10_000_000;

    /// <summary>Hashes a password with a new random salt and <see cref="DefaultIterations"/>.</summary>
    /// <param name="password">The password.</param>
    /// <returns>The stored form.</returns>
    public static string Create(string password) => Create(password, DefaultIterations);

    /// <summary>Returns true when <paramref name="password"/> matches <paramref name="stored"/> (compared in constant time); false for a malformed stored form.</summary>
    /// <param name="password">The password to check.</param>
    /// <param name="stored">The stored form made by <see cref="Create(string)"/>.</param>
    public static bool Verify(string password, string stored)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(stored);
        if (!TryParse(stored, out var iterations, out var salt, out var expected))
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Returns whether <paramref name="stored"/> is a well-formed stored hash.</summary>
    /// <param name="stored">The stored form.</param>
    public static bool IsWellFormed(string stored) => TryParse(stored, out _, out _, out _);

    internal static string Create(string password, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinimumIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return new StringBuilder(Prefix)
            .Append(iterations.ToString(CultureInfo.InvariantCulture)).Append('$')
            .Append(Convert.ToBase64String(salt)).Append('$')
            .Append(Convert.ToBase64String(hash))
            .ToString();
    }

    /// <summary>Burns the same work as a real check, so an unknown user answers no faster than a known one.</summary>
    internal static void VerifyDummy(string password)
        => Rfc2898DeriveBytes.Pbkdf2(password, new byte[SaltBytes], DefaultIterations, HashAlgorithmName.SHA256, HashBytes);

    private static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = stored[Prefix.Length..].Split('$');
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations is < MinimumIterations or > MaximumIterations)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(parts[1]);
            hash = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length >= 8 && hash.Length is >= 16 and <= 64;
    }
}
