using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MtaKit.Queueing;

/// <summary>
/// Reads and writes envelope files: a header line <c>MTAKIT-SPOOL &lt;version&gt;</c> then the
/// envelope as JSON (System.Text.Json source generation). Reading dispatches on the version so a
/// newer build keeps loading older spools; an unknown version is refused with a clear message.
/// Also the head of queue files (format 3: envelope and message in one file):
/// <c>MTAKIT-SPOOL 3 &lt;n&gt;</c>, a newline, <c>n</c> bytes of envelope JSON, a newline, then the message bytes.
/// </summary>
internal static class SpoolEntrySerializer
{
    /// <summary>The version of envelope files written by this build.</summary>
    public const int CurrentVersion = 2;

    /// <summary>The version of queue files (envelope and message bytes in one file) written by this build.</summary>
    public const int QueueFileVersion = 3;

    // Bounds the envelope a queue file may announce, so a corrupt length cannot allocate without limit.
    private const int MaxQueueFileEnvelopeLength = 64 * 1024 * 1024;

    private const int MaxQueueFileFirstLine = 64;

    private const string Magic = "MTAKIT-SPOOL ";

    public static byte[] SerializeQueueFileHead(SpoolEntry entry)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(ToDocument(entry), SpoolJsonContext.Default.SpoolEnvelopeDocument);
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Magic}{QueueFileVersion} {json.Length}\n"));
        var bytes = new byte[header.Length + json.Length + 1];
        header.CopyTo(bytes, 0);
        json.CopyTo(bytes, header.Length);
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    /// <summary>Reads the envelope at the head of a queue file held in memory.</summary>
    /// <exception cref="SpoolFormatException">The head is not a readable queue file head.</exception>
    public static SpoolEntry DeserializeQueueFileHead(ReadOnlySpan<byte> data)
    {
        var (newline, length) = ParseQueueFileFirstLine(data[..Math.Min(data.Length, MaxQueueFileFirstLine)]);
        var envelope = data[(newline + 1)..];
        if (envelope.Length <= length || envelope[length] != (byte)'\n')
        {
            throw new SpoolFormatException("Queue file is truncated inside its envelope.");
        }

        return Read(envelope[..length], QueueFileVersion);
    }

    /// <summary>Reads the head of a queue file: its envelope (when asked for) and where the message bytes start.</summary>
    /// <exception cref="SpoolFormatException">The head is not a readable queue file head.</exception>
    public static async ValueTask<(SpoolEntry? Entry, long ContentOffset)> ReadQueueFileHeadAsync(Stream stream, bool readEnvelope, CancellationToken cancellationToken)
    {
        var first = new byte[MaxQueueFileFirstLine];
        var read = await stream.ReadAtLeastAsync(first, first.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var (newline, length) = ParseQueueFileFirstLine(first.AsSpan(0, read));
        var contentOffset = (long)newline + 1 + length + 1;
        if (!readEnvelope)
        {
            return (null, contentOffset);
        }

        // The envelope and the newline after it: part may already be in the first read.
        var envelope = new byte[length + 1];
        var buffered = Math.Min(read - (newline + 1), envelope.Length);
        first.AsSpan(newline + 1, buffered).CopyTo(envelope);
        var rest = await stream.ReadAtLeastAsync(envelope.AsMemory(buffered), envelope.Length - buffered, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (buffered + rest < envelope.Length || envelope[^1] != (byte)'\n')
        {
            throw new SpoolFormatException("Queue file is truncated inside its envelope.");
        }

        return (Read(envelope.AsSpan(0, length), QueueFileVersion), contentOffset);
    }

    public static byte[] Serialize(SpoolEntry entry)
    {
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Magic}{CurrentVersion}\n"));
        var json = JsonSerializer.SerializeToUtf8Bytes(ToDocument(entry), SpoolJsonContext.Default.SpoolEnvelopeDocument);
        var bytes = new byte[header.Length + json.Length + 1];
        header.CopyTo(bytes, 0);
        json.CopyTo(bytes, header.Length);
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    // "MTAKIT-SPOOL 3 <n>\n": where the first line ends and the envelope length it announces.
    private static (int Newline, int Length) ParseQueueFileFirstLine(ReadOnlySpan<byte> first)
    {
        var newline = first.IndexOf((byte)'\n');
        ReadOnlySpan<byte> prefix = "MTAKIT-SPOOL 3 "u8;
        if (newline < 0 || !first[..newline].StartsWith(prefix))
        {
            throw new SpoolFormatException($"Not an MtaKit queue file: the first line must be 'MTAKIT-SPOOL {QueueFileVersion} <envelope length>'.");
        }

        var lengthText = Encoding.ASCII.GetString(first[prefix.Length..newline]);
        if (!int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length is < 2 or > MaxQueueFileEnvelopeLength)
        {
            throw new SpoolFormatException($"Queue file header has an invalid envelope length '{lengthText}'.");
        }

        return (newline, length);
    }

    /// <exception cref="SpoolFormatException">The data is not a readable envelope file.</exception>
    public static SpoolEntry Deserialize(ReadOnlySpan<byte> data)
    {
        var newline = data.IndexOf((byte)'\n');
        if (newline < 0 || !data[..newline].StartsWith("MTAKIT-SPOOL "u8))
        {
            throw new SpoolFormatException("Not an MtaKit envelope file: the first line must be 'MTAKIT-SPOOL <version>'.");
        }

        var versionText = Encoding.ASCII.GetString(data[Magic.Length..newline]).TrimEnd('\r');
        if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new SpoolFormatException($"Envelope file header has an invalid format version '{versionText}'.");
        }

        var body = data[(newline + 1)..];
        return version switch
        {
            1 or 2 => Read(body, version),
            _ => throw new SpoolFormatException(string.Create(
                CultureInfo.InvariantCulture,
                $"Envelope file format version {version} is not supported (this build reads versions 1 to {CurrentVersion}).")),
        };
    }

    private static SpoolEntry Read(ReadOnlySpan<byte> json, int version)
    {
        SpoolEnvelopeDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize(json, SpoolJsonContext.Default.SpoolEnvelopeDocument);
        }
        catch (JsonException ex)
        {
            throw new SpoolFormatException($"Envelope file (version {version}) is not valid JSON: " + ex.Message, ex);
        }

        if (doc is null)
        {
            throw new SpoolFormatException($"Envelope file (version {version}) is empty.");
        }

        if (!QueueId.TryParse(doc.Id, out var id))
        {
            throw new SpoolFormatException($"Envelope file (version {version}) has an invalid queue id '{doc.Id}'.");
        }

        if (doc.Recipients is not { Count: > 0 })
        {
            throw new SpoolFormatException($"Envelope file (version {version}) has no recipients.");
        }

        var recipients = new SpoolRecipient[doc.Recipients.Count];
        for (var i = 0; i < recipients.Length; i++)
        {
            recipients[i] = ReadRecipient(doc.Recipients[i], version);
        }

        return new SpoolEntry
        {
            Id = id,
            Envelope = new SpoolEnvelope
            {
                ReversePath = doc.ReversePath ?? "",
                Recipients = recipients,
                EnvelopeId = doc.EnvelopeId,
                Return = doc.Ret switch
                {
                    null => DsnReturn.Unspecified,
                    "FULL" => DsnReturn.Full,
                    "HDRS" => DsnReturn.Headers,
                    _ => throw new SpoolFormatException($"Envelope file (version {version}) has an unknown RET value '{doc.Ret}'."),
                },
                BodyType = doc.Body switch
                {
                    null => BodyType.Unspecified,
                    "7BIT" => BodyType.SevenBit,
                    "8BITMIME" => BodyType.EightBitMime,
                    "BINARYMIME" => BodyType.BinaryMime,
                    _ => throw new SpoolFormatException($"Envelope file (version {version}) has an unknown BODY value '{doc.Body}'."),
                },
                SmtpUtf8 = doc.SmtpUtf8,
            },
            OriginalArrival = doc.OriginalArrival,
            TierArrival = doc.TierArrival,
            Attempts = doc.Attempts,
            FirstFailure = doc.FirstFailure,
            LastAttempt = doc.LastAttempt,
            LastError = doc.LastError,
            DelayWarningSent = doc.DelayWarningSent,
            Frozen = doc.Frozen,
            NextAttempt = doc.NextAttempt,
            SenderValidation = doc.SenderValidation switch
            {
                null => SenderValidation.Unknown,
                "validated" => SenderValidation.Validated,
                "not-validated" => SenderValidation.NotValidated,
                _ => throw new SpoolFormatException($"Envelope file (version {version}) has an unknown sender validation '{doc.SenderValidation}'."),
            },
        };
    }

    private static SpoolRecipient ReadRecipient(SpoolRecipientDocument? doc, int version)
    {
        if (doc is null || string.IsNullOrEmpty(doc.Address))
        {
            throw new SpoolFormatException($"Envelope file (version {version}) has a recipient without an address.");
        }

        SmtpReply? reply = null;
        if (doc.LastReply is { } r)
        {
            try
            {
                reply = new SmtpReply(r.Code, r.Enhanced is null ? null : EnhancedStatusCode.Parse(r.Enhanced), r.Lines ?? []);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                throw new SpoolFormatException($"Envelope file (version {version}) has an invalid reply for <{doc.Address}>: {ex.Message}", ex);
            }
        }

        return new SpoolRecipient
        {
            Address = doc.Address,
            Notify = ParseNotify(doc.Notify),
            OriginalRecipient = doc.Orcpt,
            State = doc.State switch
            {
                "pending" => RecipientState.Pending,
                "delivered" => RecipientState.Delivered,
                "failed" => RecipientState.Failed,
                _ => throw new SpoolFormatException($"Envelope file (version {version}) has an unknown recipient state '{doc.State}'."),
            },
            LastReply = reply,
            PeerQueueId = doc.PeerQueueId,
        };
    }

    private static DsnNotify ParseNotify(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return DsnNotify.Unspecified;
        }

        var notify = DsnNotify.Unspecified;
        foreach (var word in text.Split(','))
        {
            notify |= word switch
            {
                "NEVER" => DsnNotify.Never,
                "SUCCESS" => DsnNotify.Success,
                "FAILURE" => DsnNotify.Failure,
                "DELAY" => DsnNotify.Delay,
                _ => throw new SpoolFormatException($"Envelope file has an unknown NOTIFY keyword '{word}'."),
            };
        }

        return notify;
    }

    private static string? FormatNotify(DsnNotify notify)
    {
        if (notify == DsnNotify.Unspecified)
        {
            return null;
        }

        var words = new List<string>(4);
        if (notify.HasFlag(DsnNotify.Never))
        {
            words.Add("NEVER");
        }

        if (notify.HasFlag(DsnNotify.Success))
        {
            words.Add("SUCCESS");
        }

        if (notify.HasFlag(DsnNotify.Failure))
        {
            words.Add("FAILURE");
        }

        if (notify.HasFlag(DsnNotify.Delay))
        {
            words.Add("DELAY");
        }

        return string.Join(',', words);
    }

    private static SpoolEnvelopeDocument ToDocument(SpoolEntry entry)
    {
        var envelope = entry.Envelope;
        return new SpoolEnvelopeDocument
        {
            Id = entry.Id.ToString(),
            ReversePath = envelope.ReversePath,
            Recipients = [.. envelope.Recipients.Select(r => new SpoolRecipientDocument
            {
                Address = r.Address,
                Notify = FormatNotify(r.Notify),
                Orcpt = r.OriginalRecipient,
                State = r.State switch
                {
                    RecipientState.Delivered => "delivered",
                    RecipientState.Failed => "failed",
                    _ => "pending",
                },
                LastReply = r.LastReply is { } reply
                    ? new SpoolReplyDocument { Code = reply.Code, Enhanced = reply.EnhancedCode?.ToString(), Lines = [.. reply.Lines] }
                    : null,
                PeerQueueId = r.PeerQueueId,
            })],
            EnvelopeId = envelope.EnvelopeId,
            Ret = envelope.Return switch
            {
                DsnReturn.Full => "FULL",
                DsnReturn.Headers => "HDRS",
                _ => null,
            },
            Body = envelope.BodyType switch
            {
                BodyType.SevenBit => "7BIT",
                BodyType.EightBitMime => "8BITMIME",
                BodyType.BinaryMime => "BINARYMIME",
                _ => null,
            },
            SmtpUtf8 = envelope.SmtpUtf8,
            OriginalArrival = entry.OriginalArrival,
            TierArrival = entry.TierArrival,
            Attempts = entry.Attempts,
            FirstFailure = entry.FirstFailure,
            LastAttempt = entry.LastAttempt,
            LastError = entry.LastError,
            DelayWarningSent = entry.DelayWarningSent,
            Frozen = entry.Frozen,
            NextAttempt = entry.NextAttempt,
            SenderValidation = entry.SenderValidation switch
            {
                SenderValidation.Validated => "validated",
                SenderValidation.NotValidated => "not-validated",
                _ => null,
            },
        };
    }
}
