using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MtaKit.Queueing;

/// <summary>
/// Reads and writes envelope files: a header line <c>MTAKIT-SPOOL &lt;version&gt;</c> then the
/// envelope as JSON (System.Text.Json source generation). Reading dispatches on the version so a
/// newer build keeps loading older spools; an unknown version is refused with a clear message.
/// </summary>
internal static class SpoolEntrySerializer
{
    /// <summary>The version written by this build.</summary>
    public const int CurrentVersion = 2;

    private const string Magic = "MTAKIT-SPOOL ";

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
