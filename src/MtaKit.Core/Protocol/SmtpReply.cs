using System.Buffers;
using System.Globalization;
using System.Text;

namespace MtaKit;

/// <summary>
/// An SMTP reply: a three-digit code, an optional RFC 3463 enhanced status code, and one or more
/// lines of text. Immutable; formats itself as a correct (multi-line) reply.
/// </summary>
public sealed class SmtpReply : IEquatable<SmtpReply>
{
    private static readonly string[] EmptyLines = [string.Empty];

    /// <summary>Creates a reply.</summary>
    /// <param name="code">The reply code, 200 to 599.</param>
    /// <param name="enhancedCode">The enhanced status code; its class must match the reply code's first digit.</param>
    /// <param name="lines">The text lines (no CR or LF inside a line).</param>
    public SmtpReply(int code, EnhancedStatusCode? enhancedCode, params IReadOnlyList<string> lines)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(code, 200);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(code, 599);
        ArgumentNullException.ThrowIfNull(lines);
        if (enhancedCode is { } e && e.Class != code / 100 && code / 100 != 3)
        {
            throw new ArgumentException($"Enhanced status code {e} does not match reply code {code}.", nameof(enhancedCode));
        }

        foreach (var line in lines)
        {
            ArgumentNullException.ThrowIfNull(line, nameof(lines));
            if (line.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw new ArgumentException("A reply line must not contain CR or LF.", nameof(lines));
            }
        }

        Code = code;
        EnhancedCode = enhancedCode;
        Lines = lines.Count == 0 ? EmptyLines : [.. lines];
    }

    /// <summary>Creates a reply with an enhanced status code given as text (<c>"5.1.1"</c>).</summary>
    public SmtpReply(int code, string enhancedCode, params IReadOnlyList<string> lines)
        : this(code, EnhancedStatusCode.Parse(enhancedCode), lines)
    {
    }

    /// <summary>The three-digit reply code.</summary>
    public int Code { get; }

    /// <summary>The enhanced status code, or <see langword="null"/> (greeting, EHLO, or a peer that sent none).</summary>
    public EnhancedStatusCode? EnhancedCode { get; }

    /// <summary>The text lines, at least one.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>The lines joined with a space.</summary>
    public string Text => Lines.Count == 1 ? Lines[0] : string.Join(' ', Lines);

    /// <summary>True for 2xx and 3xx.</summary>
    public bool IsPositive => Code < 400;

    /// <summary>True for 4xx (try again later).</summary>
    public bool IsTransient => Code is >= 400 and < 500;

    /// <summary>True for 5xx (do not try again).</summary>
    public bool IsPermanent => Code >= 500;

    /// <summary>Formats the reply as it goes on the wire, each line ending in CRLF.</summary>
    public string ToWireString()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < Lines.Count; i++)
        {
            sb.Append(Code.ToString(CultureInfo.InvariantCulture));
            sb.Append(i == Lines.Count - 1 ? ' ' : '-');
            if (EnhancedCode is { } e)
            {
                sb.Append(e.ToString()).Append(' ');
            }

            sb.Append(Lines[i]).Append("\r\n");
        }

        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToWireString"/>'s UTF-8 bytes straight into <paramref name="writer"/> (no string in between).</summary>
    internal void WriteTo(IBufferWriter<byte> writer)
    {
        for (var i = 0; i < Lines.Count; i++)
        {
            var line = Lines[i];

            // "ddd-" + "c.sss.ddd " is at most 14 bytes.
            var span = writer.GetSpan(14 + Encoding.UTF8.GetMaxByteCount(line.Length) + 2);
            Code.TryFormat(span, out var n, provider: CultureInfo.InvariantCulture);
            span[n++] = i == Lines.Count - 1 ? (byte)' ' : (byte)'-';
            if (EnhancedCode is { } e)
            {
                e.Class.TryFormat(span[n..], out var w, provider: CultureInfo.InvariantCulture);
                n += w;
                span[n++] = (byte)'.';
                e.Subject.TryFormat(span[n..], out w, provider: CultureInfo.InvariantCulture);
                n += w;
                span[n++] = (byte)'.';
                e.Detail.TryFormat(span[n..], out w, provider: CultureInfo.InvariantCulture);
                n += w;
                span[n++] = (byte)' ';
            }

            n += Encoding.UTF8.GetBytes(line, span[n..]);
            span[n++] = (byte)'\r';
            span[n++] = (byte)'\n';
            writer.Advance(n);
        }
    }

    /// <summary>Returns the reply as one line: <c>550 5.1.1 text</c>.</summary>
    public override string ToString()
        => EnhancedCode is { } e
            ? string.Create(CultureInfo.InvariantCulture, $"{Code} {e} {Text}")
            : string.Create(CultureInfo.InvariantCulture, $"{Code} {Text}");

    /// <inheritdoc/>
    public bool Equals(SmtpReply? other)
        => other is not null && other.Code == Code && other.EnhancedCode == EnhancedCode && other.Lines.SequenceEqual(Lines);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SmtpReply);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Code, EnhancedCode, Text);
}
