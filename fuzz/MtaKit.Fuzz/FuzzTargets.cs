using System.Buffers;
using System.Text;
using MtaKit.Protocol;
using MtaKit.Server;

namespace MtaKit.Fuzz;

/// <summary>
/// The fuzz targets: each takes arbitrary bytes and must either accept or refuse them; any exception
/// (or a broken round trip) is a finding.
/// </summary>
internal static class FuzzTargets
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, true);

    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>
    {
        ["command"] = Command,
        ["proxy"] = Proxy,
        ["mailbox"] = MailboxTarget,
    };

    /// <summary>A command line as the engine sees it: verb split, then the MAIL/RCPT/BDAT argument parsers.</summary>
    public static void Command(byte[] data)
    {
        var line = data.AsSpan();
        var lf = line.IndexOf((byte)'\n');
        if (lf >= 0)
        {
            line = line[..lf];
        }

        var verb = SmtpCommandParser.ParseVerb(line, out var argumentBytes);
        string argument;
        try
        {
            argument = StrictUtf8.GetString(argumentBytes);
        }
        catch (DecoderFallbackException)
        {
            return; // the engine refuses invalid UTF-8 before parsing
        }

        switch (verb)
        {
            case SmtpVerb.Mail or SmtpVerb.Rcpt:
                var keyword = verb == SmtpVerb.Mail ? "FROM:" : "TO:";
                if (SmtpCommandParser.TrySplitPath(argument, keyword, out var path, out var parameters, out _))
                {
                    foreach (var (name, value) in SmtpCommandParser.SplitParameters(parameters))
                    {
                        if (value is not null)
                        {
                            SmtpCommandParser.TryDecodeXtext(value, out _);
                        }

                        _ = name;
                    }

                    if (path.Length > 0)
                    {
                        MailboxRoundTrip(path);
                    }
                }

                break;
            case SmtpVerb.Bdat:
                if (SmtpCommandParser.TryParseBdat(argumentBytes, out var size, out _) && size < 0)
                {
                    throw new InvalidOperationException($"BDAT size {size} accepted");
                }

                break;
            default:
                SmtpCommandParser.TryDecodeXtext(argument, out _);
                break;
        }
    }

    /// <summary>A PROXY v1/v2 header, whole and split into two segments at every 7th byte.</summary>
    public static void Proxy(byte[] data)
    {
        var whole = ProxyProtocolParser.TryParse(new ReadOnlySequence<byte>(data), out var consumed, out _, out _, out _);
        if (consumed < 0 || consumed > data.Length)
        {
            throw new InvalidOperationException($"consumed {consumed} of {data.Length}");
        }

        for (var cut = 1; cut < data.Length; cut += 7)
        {
            var split = ProxyProtocolParser.TryParse(Segments(data, cut), out var c2, out _, out _, out _);
            if (split != whole || c2 != consumed)
            {
                throw new InvalidOperationException($"split at {cut}: {split}/{c2} but whole: {whole}/{consumed}");
            }
        }
    }

    /// <summary>A mailbox (local@domain): parse, then the formatted address must parse to an equal mailbox.</summary>
    public static void MailboxTarget(byte[] data)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(data);
        }
        catch (DecoderFallbackException)
        {
            return;
        }

        MailboxRoundTrip(text);
        Mailbox.NormaliseDomain(text);
    }

    private static void MailboxRoundTrip(string text)
    {
        if (!Mailbox.TryParse(text, out var mailbox, out var error))
        {
            if (string.IsNullOrEmpty(error))
            {
                throw new InvalidOperationException("refused without an error message");
            }

            return;
        }

        if (!Mailbox.TryParse(mailbox.Address, out var again, out var error2))
        {
            throw new InvalidOperationException($"'{text}' parsed, but its Address '{mailbox.Address}' does not: {error2}");
        }

        if (!mailbox.Equals(again) || again.Address != mailbox.Address)
        {
            throw new InvalidOperationException($"'{text}' -> '{mailbox.Address}' -> '{again.Address}' is not stable");
        }
    }

    private static ReadOnlySequence<byte> Segments(byte[] data, int cut)
    {
        var first = new Segment(data.AsMemory(0, cut), 0);
        var second = first.Append(data.AsMemory(cut));
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
