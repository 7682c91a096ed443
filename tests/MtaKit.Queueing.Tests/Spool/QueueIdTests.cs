using Microsoft.Extensions.Time.Testing;

namespace MtaKit.Queueing.Tests.Spool;

public sealed class QueueIdTests
{
    [Fact]
    public void ToString_Parse_RoundTrips()
    {
        var id = QueueId.NewId(new FakeTimeProvider(), new Random(1));
        var text = id.ToString();
        Assert.Equal(QueueId.TextLength, text.Length);
        Assert.Equal(id, QueueId.Parse(text));
        Assert.Equal(id, QueueId.Parse(text.ToLowerInvariant()));
    }

    [Fact]
    public void NewId_LaterTime_SortsAfterAndCarriesTimestamp()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var random = new Random(7);
        var first = QueueId.NewId(time, random);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var second = QueueId.NewId(time, random);
        Assert.True(first < second);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 1, TimeSpan.Zero), second.Timestamp);
    }

    [Theory]
    [InlineData("")]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FA")]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAVX")]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAU")]
    [InlineData("81ARZ3NDEKTSV4RRFFQ69G5FAV")]
    public void TryParse_Invalid_ReturnsFalse(string text) => Assert.False(QueueId.TryParse(text, out _));
}
