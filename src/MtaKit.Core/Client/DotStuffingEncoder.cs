namespace MtaKit;

/// <summary>
/// Turns message bytes into DATA wire bytes on the fly: a '.' at the start of a line is doubled,
/// and a bare CR or bare LF becomes CRLF, so no byte sequence in the message can be read as the
/// end of data by any peer (SMTP smuggling). A CRLF-normalised message passes unchanged except for
/// the added dots.
/// </summary>
internal sealed class DotStuffingEncoder
{
    private bool _lineStart = true;
    private bool _pendingCr;

    /// <summary>The most bytes <see cref="Encode"/> writes for an input of <paramref name="inputLength"/> bytes.</summary>
    public static int MaxOutputLength(int inputLength) => (inputLength * 2) + 1;

    /// <summary>The most bytes <see cref="Complete"/> writes.</summary>
    public const int MaxTerminatorLength = 6;

    public int Encode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var o = 0;
        var i = 0;
        while (i < input.Length)
        {
            if (_pendingCr)
            {
                _pendingCr = false;
                output[o++] = (byte)'\n';
                _lineStart = true;
                if (input[i] == '\n')
                {
                    i++;
                    continue;
                }
            }

            if (_lineStart)
            {
                _lineStart = false;
                if (input[i] == '.')
                {
                    output[o++] = (byte)'.';
                }
            }

            var rest = input[i..];
            var index = rest.IndexOfAny((byte)'\r', (byte)'\n');
            if (index < 0)
            {
                rest.CopyTo(output[o..]);
                o += rest.Length;
                break;
            }

            rest[..index].CopyTo(output[o..]);
            o += index;
            i += index;
            output[o++] = (byte)'\r';
            if (input[i] == '\r')
            {
                _pendingCr = true;
            }
            else
            {
                output[o++] = (byte)'\n';
                _lineStart = true;
            }

            i++;
        }

        return o;
    }

    /// <summary>Ends the data: completes the last line and writes <c>.CRLF</c>.</summary>
    public int Complete(Span<byte> output)
    {
        var o = 0;
        if (_pendingCr)
        {
            _pendingCr = false;
            output[o++] = (byte)'\n';
            _lineStart = true;
        }

        if (!_lineStart)
        {
            output[o++] = (byte)'\r';
            output[o++] = (byte)'\n';
        }

        output[o++] = (byte)'.';
        output[o++] = (byte)'\r';
        output[o++] = (byte)'\n';
        _lineStart = true;
        return o;
    }
}
