using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace MtaKit;

/// <summary>
/// An RFC 3463 enhanced mail system status code, <c>class.subject.detail</c> (for example <c>5.1.1</c>).
/// </summary>
public readonly record struct EnhancedStatusCode
{
    /// <summary>Creates a status code from its three parts.</summary>
    /// <param name="class">2 (success), 4 (persistent transient failure) or 5 (permanent failure).</param>
    /// <param name="subject">The subject, 0 to 999.</param>
    /// <param name="detail">The detail, 0 to 999.</param>
    public EnhancedStatusCode(int @class, int subject, int detail)
    {
        if (@class is not (2 or 4 or 5))
        {
            throw new ArgumentOutOfRangeException(nameof(@class), @class, "The class must be 2, 4 or 5.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(subject);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(subject, 999);
        ArgumentOutOfRangeException.ThrowIfNegative(detail);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(detail, 999);
        Class = @class;
        Subject = subject;
        Detail = detail;
    }

    /// <summary>The class: 2, 4 or 5.</summary>
    public int Class { get; }

    /// <summary>The subject (for example 1 for addressing, 7 for security or policy).</summary>
    public int Subject { get; }

    /// <summary>The detail within the subject.</summary>
    public int Detail { get; }

    /// <summary>Parses <c>class.subject.detail</c>.</summary>
    /// <exception cref="FormatException">The text is not an enhanced status code.</exception>
    public static EnhancedStatusCode Parse(string text)
        => TryParse(text, out var code) ? code : throw new FormatException($"'{text}' is not an enhanced status code (class.subject.detail).");

    /// <summary>Tries to parse <c>class.subject.detail</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out EnhancedStatusCode code)
        => TryParse(text.AsSpan(), out code, out _) && text is not null;

    /// <summary>Tries to parse an enhanced status code at the start of <paramref name="text"/>.</summary>
    /// <param name="text">The text; parsing stops at the first character after the code.</param>
    /// <param name="code">The code parsed.</param>
    /// <param name="length">How many characters the code took.</param>
    public static bool TryParse(ReadOnlySpan<char> text, out EnhancedStatusCode code, out int length)
    {
        code = default;
        length = 0;
        Span<int> parts = stackalloc int[3];
        var pos = 0;
        for (var part = 0; part < 3; part++)
        {
            var start = pos;
            while (pos < text.Length && pos - start < 3 && char.IsAsciiDigit(text[pos]))
            {
                pos++;
            }

            if (pos == start || (part == 0 && pos - start != 1))
            {
                return false;
            }

            parts[part] = int.Parse(text[start..pos], NumberStyles.None, CultureInfo.InvariantCulture);
            if (part < 2)
            {
                if (pos >= text.Length || text[pos] != '.')
                {
                    return false;
                }

                pos++;
            }
        }

        if (pos < text.Length && !char.IsWhiteSpace(text[pos]))
        {
            return false;
        }

        if (parts[0] is not (2 or 4 or 5))
        {
            return false;
        }

        code = new EnhancedStatusCode(parts[0], parts[1], parts[2]);
        length = pos;
        return true;
    }

    /// <summary>Returns <c>class.subject.detail</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Class}.{Subject}.{Detail}");
}
