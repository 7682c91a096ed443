using System.Globalization;
using System.Text;

namespace MtaKit.Scanning;

/// <summary>
/// The signatures of a <see cref="SignatureScanner"/>: byte patterns found anywhere in the raw
/// message, a decoded part or an archive entry, and SHA-256 hashes of whole decoded parts and
/// archive entries. Always includes EICAR. Immutable.
/// </summary>
/// <remarks>
/// The file format has one signature per line; blank lines and lines starting with <c>#</c> are ignored:
/// <code>
/// text Test.MTA.String-1 MTA-TEST-VIRUS-SIGNATURE      # name, then the ASCII/UTF-8 text to the end of the line
/// hex  Acme.Dropper-2    4d5a900003000000              # name, then hex bytes
/// sha256 3b0f...e4 Acme.Invoice-Trojan                 # 64 hex digits, then name
/// </code>
/// </remarks>
public sealed class SignatureSet
{
    private const int MinPatternLength = 8;

    private SignatureSet(IReadOnlyList<(string Name, byte[] Pattern)> patterns, IReadOnlyDictionary<string, string> hashes)
    {
        Patterns = patterns;
        Hashes = hashes;
    }

    /// <summary>The set with only the built-in EICAR signature.</summary>
    public static SignatureSet BuiltIn { get; } = new([(TestPatterns.EicarName, TestPatterns.Eicar.ToArray())], new Dictionary<string, string>());

    /// <summary>The number of byte patterns (EICAR included).</summary>
    public int PatternCount => Patterns.Count;

    /// <summary>The number of SHA-256 hashes.</summary>
    public int HashCount => Hashes.Count;

    internal IReadOnlyList<(string Name, byte[] Pattern)> Patterns { get; }

    /// <summary>Lower-case hex SHA-256 to signature name.</summary>
    internal IReadOnlyDictionary<string, string> Hashes { get; }

    /// <summary>Reads a signature file (see the remarks for its format) and adds the built-in EICAR signature.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="FormatException">A line is not a valid signature; the message names the file and line.</exception>
    public static async Task<SignatureSet> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(text, path);
    }

    /// <summary>Reads a signature file (see the remarks for its format) and adds the built-in EICAR signature; for start-up code.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="FormatException">A line is not a valid signature; the message names the file and line.</exception>
    public static SignatureSet Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses signature lines (see the remarks for the format) and adds the built-in EICAR signature.</summary>
    /// <param name="text">The lines.</param>
    /// <param name="source">The file name used in error messages.</param>
    /// <exception cref="FormatException">A line is not a valid signature.</exception>
    public static SignatureSet Parse(string text, string source = "signatures")
    {
        ArgumentNullException.ThrowIfNull(text);
        var patterns = new List<(string, byte[])>(BuiltIn.Patterns);
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            number++;
            var line = rawLine.TrimEnd('\r');
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }

            var fields = trimmed.Split([' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 3)
            {
                throw Error(source, number, "expected '<kind> <name> <value>' or 'sha256 <hash> <name>'");
            }

            switch (fields[0].ToLowerInvariant())
            {
                case "text":
                    patterns.Add((fields[1], Pattern(Encoding.UTF8.GetBytes(TextValue(line, fields[1])), source, number)));
                    break;
                case "hex":
                    patterns.Add((fields[1], Pattern(Hex(fields[2].Replace(" ", "", StringComparison.Ordinal), source, number), source, number)));
                    break;
                case "sha256":
                    var hash = fields[1].ToLowerInvariant();
                    if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigit))
                    {
                        throw Error(source, number, "a SHA-256 hash has 64 hex digits");
                    }

                    hashes[hash] = fields[2].Trim();
                    break;
                default:
                    throw Error(source, number, $"unknown kind '{fields[0]}' (text, hex or sha256)");
            }
        }

        return new SignatureSet(patterns, hashes);
    }

    private static string TextValue(string line, string name)
    {
        // everything after the name, so the text may contain spaces
        var start = line.IndexOf(name, line.IndexOfAny([' ', '\t']), StringComparison.Ordinal) + name.Length;
        return line[start..].TrimStart(' ', '\t');
    }

    private static byte[] Pattern(byte[] bytes, string source, int number)
        => bytes.Length >= MinPatternLength ? bytes : throw Error(source, number, $"a pattern needs at least {MinPatternLength} bytes");

    private static byte[] Hex(string hex, string source, int number)
    {
        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            throw Error(source, number, "invalid hex bytes");
        }
    }

    private static FormatException Error(string source, int number, string message)
        => new(string.Create(CultureInfo.InvariantCulture, $"{source}({number}): {message}"));
}
