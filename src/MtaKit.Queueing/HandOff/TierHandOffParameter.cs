using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace MtaKit.Queueing;

/// <summary>
/// Encodes and decodes the private ESMTP MAIL parameter <c>XMTAKIT-TIER=&lt;value&gt;</c> that carries a
/// <see cref="TierHandOff"/> from one tier to the next. The value is compact JSON in unpadded
/// base64url, so it contains only characters an esmtp-value allows (no <c>=</c>, no spaces).
/// A receiving tier must accept the parameter only from <see cref="QueueOptions.TrustedTierNetworks"/>:
/// anyone else could otherwise backdate a message's arrival.
/// </summary>
public static class TierHandOffParameter
{
    /// <summary>The parameter keyword.</summary>
    public const string Name = "XMTAKIT-TIER";

    /// <summary>The longest last error carried; longer ones are cut.</summary>
    public const int MaxErrorLength = 200;

    /// <summary>The longest value accepted when decoding.</summary>
    public const int MaxValueLength = 2048;

    private const int Version = 1;

    /// <summary>Encodes a hand-off as the parameter's value.</summary>
    /// <param name="handOff">The hand-off state.</param>
    public static string Encode(TierHandOff handOff)
    {
        ArgumentNullException.ThrowIfNull(handOff);
        var doc = new TierHandOffDocument
        {
            V = Version,
            Arr = handOff.OriginalArrival.ToUnixTimeMilliseconds(),
            Att = handOff.Attempts,
            Ff = handOff.FirstFailure?.ToUnixTimeMilliseconds(),
            Err = handOff.LastError is { Length: > MaxErrorLength } e ? e[..MaxErrorLength] : handOff.LastError,
            Envid = handOff.EnvelopeId,
            Ret = handOff.Return switch
            {
                DsnReturn.Full => "FULL",
                DsnReturn.Headers => "HDRS",
                _ => null,
            },
            Dw = handOff.DelayWarningSent,
            From = handOff.FromTier,
            Sv = handOff.SenderValidation switch
            {
                SenderValidation.Validated => "v",
                SenderValidation.NotValidated => "n",
                _ => null,
            },
        };
        return Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(doc, TierHandOffJsonContext.Default.TierHandOffDocument));
    }

    /// <summary>Decodes the parameter's value.</summary>
    /// <param name="value">The value after <c>XMTAKIT-TIER=</c>.</param>
    /// <param name="handOff">The decoded hand-off.</param>
    /// <param name="error">Why the value was refused (for the 501 reply), when it was.</param>
    public static bool TryDecode(string? value, [NotNullWhen(true)] out TierHandOff? handOff, [NotNullWhen(false)] out string? error)
    {
        handOff = null;
        if (string.IsNullOrEmpty(value) || value.Length > MaxValueLength)
        {
            error = $"{Name} value is empty or longer than {MaxValueLength} characters";
            return false;
        }

        byte[] json;
        try
        {
            json = Base64Url.DecodeFromChars(value);
        }
        catch (FormatException)
        {
            error = $"{Name} value is not base64url";
            return false;
        }

        TierHandOffDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize(json, TierHandOffJsonContext.Default.TierHandOffDocument);
        }
        catch (JsonException)
        {
            error = $"{Name} value is not valid";
            return false;
        }

        if (doc is null || doc.V != Version)
        {
            error = $"{Name} version {doc?.V} is not supported (this build reads {Version})";
            return false;
        }

        if (doc.Att < 0 || doc.Arr <= 0 || doc.Ret is not (null or "FULL" or "HDRS") || doc.Sv is not (null or "v" or "n") || doc.Err is { Length: > MaxErrorLength })
        {
            error = $"{Name} value has out-of-range fields";
            return false;
        }

        try
        {
            handOff = new TierHandOff
            {
                OriginalArrival = DateTimeOffset.FromUnixTimeMilliseconds(doc.Arr),
                Attempts = doc.Att,
                FirstFailure = doc.Ff is { } ff ? DateTimeOffset.FromUnixTimeMilliseconds(ff) : null,
                LastError = doc.Err,
                EnvelopeId = doc.Envid,
                Return = doc.Ret switch
                {
                    "FULL" => DsnReturn.Full,
                    "HDRS" => DsnReturn.Headers,
                    _ => DsnReturn.Unspecified,
                },
                DelayWarningSent = doc.Dw,
                FromTier = doc.From,
                SenderValidation = doc.Sv switch
                {
                    "v" => SenderValidation.Validated,
                    "n" => SenderValidation.NotValidated,
                    _ => SenderValidation.Unknown,
                },
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            error = $"{Name} value has a time out of range";
            return false;
        }

        error = null;
        return true;
    }
}
