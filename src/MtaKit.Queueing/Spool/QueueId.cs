using System.Diagnostics.CodeAnalysis;

namespace MtaKit.Queueing;

/// <summary>
/// The identity of a queued message: 128 bits, a 48-bit millisecond timestamp followed by 80 random
/// bits (ULID layout), written as 26 Crockford base32 characters that sort by creation time and are
/// safe as file names.
/// </summary>
public readonly record struct QueueId : IComparable<QueueId>
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>The length of the text form.</summary>
    public const int TextLength = 26;

    /// <summary>Creates an id from its 128-bit value.</summary>
    /// <param name="value">The value.</param>
    public QueueId(UInt128 value)
    {
        upper = (ulong)(value >> 64);
        lower = (ulong)value;
    }

    // Two 64-bit halves rather than a UInt128 field: UInt128 is 16-byte aligned, which would pad
    // every scheduler node and dictionary entry holding an id.
    private readonly ulong upper;
    private readonly ulong lower;

    /// <summary>The 128-bit value.</summary>
    public UInt128 Value => new(upper, lower);

    /// <summary>Creates a new id from the current time and random bits.</summary>
    /// <param name="timeProvider">The clock supplying the timestamp part.</param>
    /// <param name="random">The source of the random part (seed it in tests).</param>
    public static QueueId NewId(TimeProvider timeProvider, Random random)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(random);
        var ms = (ulong)timeProvider.GetUtcNow().ToUnixTimeMilliseconds() & 0xFFFF_FFFF_FFFFUL;
        Span<byte> bytes = stackalloc byte[10];
        random.NextBytes(bytes);
        UInt128 value = ms;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return new QueueId(value);
    }

    /// <summary>Parses the 26-character text form (case-insensitive).</summary>
    /// <exception cref="FormatException">The text is not a queue id.</exception>
    public static QueueId Parse(string text)
        => TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a queue id (26 base32 characters).");

    /// <summary>Tries to parse the 26-character text form (case-insensitive).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out QueueId id) => TryParse(text.AsSpan(), out id) && text is not null;

    /// <summary>Tries to parse the 26-character text form (case-insensitive).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out QueueId id)
    {
        id = default;
        if (text.Length != TextLength)
        {
            return false;
        }

        UInt128 value = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var digit = Alphabet.IndexOf(char.ToUpperInvariant(text[i]));
            if (digit < 0 || (i == 0 && digit > 7))
            {
                return false;
            }

            value = (value << 5) | (uint)digit;
        }

        id = new QueueId(value);
        return true;
    }

    /// <summary>The creation time encoded in the id.</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds((long)(ulong)(Value >> 80));

    /// <inheritdoc/>
    public int CompareTo(QueueId other) => Value.CompareTo(other.Value);

    /// <summary>Returns the 26-character text form.</summary>
    public override string ToString()
        => string.Create(TextLength, Value, static (span, value) =>
        {
            for (var i = span.Length - 1; i >= 0; i--)
            {
                span[i] = Alphabet[(int)(value & 31)];
                value >>= 5;
            }
        });

    /// <summary>Compares by value (and so by creation time).</summary>
    public static bool operator <(QueueId left, QueueId right) => left.CompareTo(right) < 0;

    /// <summary>Compares by value (and so by creation time).</summary>
    public static bool operator >(QueueId left, QueueId right) => left.CompareTo(right) > 0;

    /// <summary>Compares by value (and so by creation time).</summary>
    public static bool operator <=(QueueId left, QueueId right) => left.CompareTo(right) <= 0;

    /// <summary>Compares by value (and so by creation time).</summary>
    public static bool operator >=(QueueId left, QueueId right) => left.CompareTo(right) >= 0;
}
