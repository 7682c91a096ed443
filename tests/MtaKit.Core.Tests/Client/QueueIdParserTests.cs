namespace MtaKit.Core.Tests.Client;

public sealed class QueueIdParserTests
{
    [Theory]
    [InlineData("2.0.0", "Ok: queued as 4XyzAb12", "4XyzAb12")]
    [InlineData(null, "OK id=1abcDE-000123-AB", "1abcDE-000123-AB")]
    [InlineData("2.0.0", "<bob@example.test> Xq9+AbCdEfGh Saved", "Xq9+AbCdEfGh")]
    [InlineData("2.0.0", "<bob@example.test> Saved", null)]
    [InlineData("2.0.0", "xAB12345 Message accepted for delivery", "xAB12345")]
    [InlineData("2.0.0", "Ok", null)]
    [InlineData("2.0.0", "<m@host> [InternalId=12345678901234, Hostname=EX01.example.com] Queued mail for delivery", "12345678901234")]
    [InlineData("2.0.0", "Ok: delivered as 0KQ3ab", "0KQ3ab")]
    [InlineData("2.0.0", "OK: QUEUED AS Abc123; thanks", "Abc123")]
    [InlineData("2.0.0", "queued as first, delivered as second", "first")]
    [InlineData("2.0.0", "queued as ;x", null)]
    [InlineData("2.0.0", "Ok paid=12", null)]
    [InlineData("2.0.0", "<bob@example.test> one two Saved", null)]
    [InlineData("2.0.0", "xAB1 Message accepted for delivery", null)]
    public void Parse_KnownServerTexts_FindsQueueId(string? enhanced, string text, string? expected)
    {
        var reply = new SmtpReply(250, enhanced is null ? null : EnhancedStatusCode.Parse(enhanced), text);
        Assert.Equal(expected, QueueIdParser.Parse(reply));
    }

    [Fact]
    public void DeliveryResult_AcceptedAtData_CarriesQueueId()
    {
        var result = new DeliveryResult(new SmtpClientRecipient("a@b"), new SmtpReply(250, "2.0.0", "Ok: queued as ABC"), DeliveryPhase.Data, true);
        Assert.Equal(DeliveryStatus.Accepted, result.Status);
        Assert.Equal("ABC", result.QueueId);
        Assert.Equal(DeliveryStatus.Transient, new DeliveryResult(new SmtpClientRecipient("a@b"), new SmtpReply(451, "4.3.0", "x"), DeliveryPhase.Rcpt, true).Status);
    }
}
