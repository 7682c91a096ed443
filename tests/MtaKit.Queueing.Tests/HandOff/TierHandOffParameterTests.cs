using System.Text;
using MtaKit.Queueing.Tests.Spool;

namespace MtaKit.Queueing.Tests.HandOff;

public sealed class TierHandOffParameterTests
{
    [Fact]
    public void Encode_TryDecode_RoundTripsEveryField()
    {
        var handOff = TierHandOff.FromEntry(SpoolSamples.Entry(), "tier1");

        var value = TierHandOffParameter.Encode(handOff);

        Assert.True(TierHandOffParameter.TryDecode(value, out var decoded, out var error), error);
        Assert.Equal(handOff, decoded);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero), decoded.OriginalArrival);
        Assert.Equal("env-1", decoded.EnvelopeId);
        Assert.Equal(DsnReturn.Headers, decoded.Return);
        Assert.True(decoded.DelayWarningSent);
    }

    [Theory]
    [InlineData(SenderValidation.Unknown)]
    [InlineData(SenderValidation.Validated)]
    [InlineData(SenderValidation.NotValidated)]
    public void Encode_TryDecode_CarriesSenderValidation(SenderValidation validation)
    {
        var handOff = TierHandOff.FromEntry(SpoolSamples.Entry() with { SenderValidation = validation }, "tier1");

        Assert.True(TierHandOffParameter.TryDecode(TierHandOffParameter.Encode(handOff), out var decoded, out var error), error);

        Assert.Equal(validation, decoded.SenderValidation);
    }

    [Fact]
    public void TryDecode_UnknownSenderValidation_IsRefused()
    {
        var value = System.Buffers.Text.Base64Url.EncodeToString("{\"v\":1,\"arr\":1,\"sv\":\"x\"}"u8);
        Assert.False(TierHandOffParameter.TryDecode(value, out _, out var error));
        Assert.Contains("out-of-range", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SenderValidation.NotValidated, SenderValidation.Validated, SenderValidation.NotValidated)]
    [InlineData(SenderValidation.Unknown, SenderValidation.NotValidated, SenderValidation.NotValidated)]
    [InlineData(SenderValidation.Validated, SenderValidation.Unknown, SenderValidation.Validated)]
    public void ApplyTo_KnownValidationFromPreviousTier_ReplacesThisTiersOwn(SenderValidation carried, SenderValidation local, SenderValidation expected)
    {
        var handOff = new TierHandOff { OriginalArrival = DateTimeOffset.UnixEpoch, SenderValidation = carried };

        var applied = handOff.ApplyTo(SpoolSamples.Entry() with { SenderValidation = local });

        Assert.Equal(expected, applied.SenderValidation);
    }

    [Fact]
    public void Encode_Value_IsAValidEsmtpValue()
    {
        var value = TierHandOffParameter.Encode(new TierHandOff
        {
            OriginalArrival = DateTimeOffset.UnixEpoch.AddYears(50),
            LastError = "451 4.7.1 spaces, = signs and ünïcödé " + new string('x', 500),
            EnvelopeId = "a b=c",
        });

        // RFC 5321 esmtp-value: 1*(%d33-60 / %d62-126).
        Assert.All(value, c => Assert.True(c is >= (char)33 and <= (char)126 && c != '=', $"'{c}' is not allowed"));
        Assert.True(TierHandOffParameter.TryDecode(value, out var decoded, out _));
        Assert.Equal(TierHandOffParameter.MaxErrorLength, decoded.LastError!.Length);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("!!!", "not base64url")]
    [InlineData("bm90IGpzb24", "not valid")]
    public void TryDecode_Garbage_RefusesWithAReason(string value, string expected)
    {
        Assert.False(TierHandOffParameter.TryDecode(value, out var handOff, out var error));
        Assert.Null(handOff);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"v\":2,\"arr\":1}", "version 2 is not supported")]
    [InlineData("{\"v\":1,\"arr\":1,\"att\":-1}", "out-of-range")]
    [InlineData("{\"v\":1,\"arr\":0}", "out-of-range")]
    [InlineData("{\"v\":1,\"arr\":1,\"ret\":\"SOME\"}", "out-of-range")]
    [InlineData("{\"v\":1,\"arr\":999999999999999999}", "time out of range")]
    public void TryDecode_BadFields_RefusesWithAReason(string json, string expected)
    {
        var value = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
        Assert.False(TierHandOffParameter.TryDecode(value, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_TooLong_Refused()
    {
        Assert.False(TierHandOffParameter.TryDecode(new string('A', TierHandOffParameter.MaxValueLength + 1), out _, out var error));
        Assert.Contains("longer than 2048", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyTo_AcceptedEntry_CarriesOriginalArrivalAndHistory()
    {
        var previous = SpoolSamples.Entry();
        var handOff = TierHandOff.FromEntry(previous, "tier1");
        var accepted = new SpoolEntry
        {
            Id = SpoolSamples.NewId(),
            Envelope = new SpoolEnvelope { ReversePath = "sender@example.org", Recipients = [new SpoolRecipient { Address = "a@example.com" }] },
            OriginalArrival = previous.OriginalArrival + TimeSpan.FromHours(6),
            TierArrival = previous.OriginalArrival + TimeSpan.FromHours(6),
            NextAttempt = previous.OriginalArrival + TimeSpan.FromHours(6),
        };

        var applied = handOff.ApplyTo(accepted);

        Assert.Equal(previous.OriginalArrival, applied.OriginalArrival);
        Assert.Equal(accepted.TierArrival, applied.TierArrival);
        Assert.Equal(2, applied.Attempts);
        Assert.Equal(previous.LastError, applied.LastError);
        Assert.True(applied.DelayWarningSent);
        Assert.Equal("env-1", applied.Envelope.EnvelopeId);
        Assert.Equal(DsnReturn.Headers, applied.Envelope.Return);
        Assert.Null(applied.FirstFailure);
    }
}
