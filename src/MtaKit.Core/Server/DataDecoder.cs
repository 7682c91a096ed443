using MtaKit.Messages;

namespace MtaKit.Server;

/// <summary>
/// Turns the DATA byte stream into the message: removes dot-stuffing and finds the end. Only the
/// exact sequence CRLF "." CRLF ends the data; after a bare CR or LF the next byte never counts as
/// the start of a line, so no bare sequence can end DATA (SMTP smuggling). Bare CR/LF are stored as
/// CRLF and reported so the policy can refuse the message.
/// </summary>
internal sealed class DataDecoder
{
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    private readonly MessageBuffer _target;
    private readonly long _maxSize;
    private State _state = State.LineStart;

    public DataDecoder(MessageBuffer target, long maxSize)
    {
        _target = target;
        _maxSize = maxSize;
    }

    private enum State : byte
    {
        LineStart,
        InLine,
        SawCr,
        Dot,
        DotCr,
    }

    /// <summary>True when a bare CR or LF was seen.</summary>
    public bool SawBareLineEnding { get; private set; }

    /// <summary>True when the message grew past the size limit (the rest is read and dropped).</summary>
    public bool Overflow { get; private set; }

    /// <summary>Message bytes seen, including those dropped after an overflow.</summary>
    public long Size { get; private set; }

    /// <summary>Consumes <paramref name="input"/>; returns true at the end of data, with <paramref name="consumed"/> bytes used.</summary>
    public bool Decode(ReadOnlySpan<byte> input, out int consumed)
    {
        var i = 0;
        while (i < input.Length)
        {
            switch (_state)
            {
                case State.LineStart:
                    if (input[i] == (byte)'.')
                    {
                        _state = State.Dot;
                        i++;
                    }
                    else
                    {
                        _state = State.InLine;
                    }

                    break;
                case State.Dot:
                    if (input[i] == (byte)'\r')
                    {
                        _state = State.DotCr;
                        i++;
                    }
                    else
                    {
                        _state = State.InLine; // the stuffed dot is dropped
                    }

                    break;
                case State.DotCr:
                    if (input[i] == (byte)'\n')
                    {
                        consumed = i + 1;
                        return true;
                    }

                    BareLineEnding(); // "." CR x: the CR is bare
                    _state = State.InLine;
                    break;
                case State.SawCr:
                    if (input[i] == (byte)'\n')
                    {
                        Emit(CrLf);
                        _state = State.LineStart;
                        i++;
                    }
                    else
                    {
                        BareLineEnding();
                        _state = State.InLine;
                    }

                    break;
                default:
                    var rest = input[i..];
                    var idx = rest.IndexOfAny((byte)'\r', (byte)'\n');
                    if (idx < 0)
                    {
                        Emit(rest);
                        i = input.Length;
                        break;
                    }

                    Emit(rest[..idx]);
                    i += idx + 1;
                    if (rest[idx] == (byte)'\r')
                    {
                        _state = State.SawCr;
                    }
                    else
                    {
                        BareLineEnding(); // the next byte is not a line start: "\n.\r\n" never ends DATA
                    }

                    break;
            }
        }

        consumed = input.Length;
        return false;
    }

    private void BareLineEnding()
    {
        SawBareLineEnding = true;
        Emit(CrLf);
    }

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        Size += bytes.Length;
        if (Overflow)
        {
            return;
        }

        if (Size > _maxSize)
        {
            Overflow = true;
            return;
        }

        _target.Write(bytes);
    }
}
