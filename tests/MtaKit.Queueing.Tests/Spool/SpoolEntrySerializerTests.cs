using System.Text;

namespace MtaKit.Queueing.Tests.Spool;

public sealed class SpoolEntrySerializerTests
{
    [Fact]
    public void Serialize_Deserialize_RoundTripsEveryField()
    {
        var entry = SpoolSamples.Entry();
        var bytes = SpoolEntrySerializer.Serialize(entry);
        Assert.StartsWith("MTAKIT-SPOOL 2\n", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        SpoolSamples.AssertSame(entry, SpoolEntrySerializer.Deserialize(bytes));
    }

    [Fact]
    public void Serialize_NullSenderAndDefaults_RoundTrips()
    {
        var entry = SpoolSamples.Entry() with
        {
            Envelope = new SpoolEnvelope { ReversePath = "", Recipients = [new SpoolRecipient { Address = "x@example.net" }] },
            FirstFailure = null,
            LastAttempt = null,
            LastError = null,
        };
        var read = SpoolEntrySerializer.Deserialize(SpoolEntrySerializer.Serialize(entry));
        SpoolSamples.AssertSame(entry, read);
        Assert.True(read.Envelope.IsNullSender);
    }

    [Fact]
    public void Deserialize_CheckedInVersion1File_ReadsEveryField()
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Spool", "Samples", "entry-v1.env"));
        var entry = SpoolEntrySerializer.Deserialize(bytes);
        SpoolSamples.AssertSame(SpoolSamples.Entry(QueueId.Parse("01KB4Y3Z8AX2P7M3QZ0A1B2C3D")), entry);
        Assert.Equal(SenderValidation.Unknown, entry.SenderValidation); // not recorded before version 2
        Assert.All(entry.Envelope.Recipients, r => Assert.Null(r.PeerQueueId));
    }

    [Theory]
    [InlineData(SenderValidation.Unknown)]
    [InlineData(SenderValidation.Validated)]
    [InlineData(SenderValidation.NotValidated)]
    public void Serialize_Version2Fields_RoundTrip(SenderValidation validation)
    {
        var sample = SpoolSamples.Entry();
        var entry = sample with
        {
            SenderValidation = validation,
            Envelope = sample.Envelope with { Recipients = [.. sample.Envelope.Recipients.Select(r => r.State == RecipientState.Delivered ? r with { PeerQueueId = "4dXyZ1n3kz" } : r)] },
        };

        var read = SpoolEntrySerializer.Deserialize(SpoolEntrySerializer.Serialize(entry));

        SpoolSamples.AssertSame(entry, read);
        Assert.Equal("4dXyZ1n3kz", read.Envelope.Recipients[2].PeerQueueId);
    }

    [Fact]
    public void Deserialize_FutureVersion_IsRejectedNamingTheVersion()
    {
        var bytes = Encoding.UTF8.GetBytes("MTAKIT-SPOOL 7\n{\"whatever\":1}\n");
        var ex = Assert.Throws<SpoolFormatException>(() => SpoolEntrySerializer.Deserialize(bytes));
        Assert.Contains("version 7 is not supported", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"id\":\"01KB4Y3Z8AX2P7M3QZ0A1B2C3D\"}\n", "first line must be")]
    [InlineData("MTAKIT-SPOOL x\n{}", "invalid format version 'x'")]
    [InlineData("MTAKIT-SPOOL 1\n{\"id\":", "not valid JSON")]
    [InlineData("MTAKIT-SPOOL 1\n{\"id\":\"nope\",\"recipients\":[{\"address\":\"a@b\"}]}", "invalid queue id 'nope'")]
    [InlineData("MTAKIT-SPOOL 1\n{\"id\":\"01KB4Y3Z8AX2P7M3QZ0A1B2C3D\",\"recipients\":[]}", "no recipients")]
    [InlineData("MTAKIT-SPOOL 1\n{\"id\":\"01KB4Y3Z8AX2P7M3QZ0A1B2C3D\",\"recipients\":[{\"address\":\"a@b\",\"notify\":\"SOMETIMES\"}]}", "unknown NOTIFY keyword 'SOMETIMES'")]
    [InlineData("MTAKIT-SPOOL 2\n{\"id\":\"01KB4Y3Z8AX2P7M3QZ0A1B2C3D\",\"recipients\":[{\"address\":\"a@b\"}],\"senderValidation\":\"maybe\"}", "version 2) has an unknown sender validation 'maybe'")]
    [InlineData("MTAKIT-SPOOL 1\n{\"id\":\"01KB4Y3Z8AX2P7M3QZ0A1B2C3D\",\"recipients\":[{\"address\":\"a@b\",\"lastReply\":{\"code\":99,\"lines\":[]}}]}", "invalid reply")]
    public void Deserialize_Invalid_ThrowsSpoolFormatException(string text, string expected)
    {
        var ex = Assert.Throws<SpoolFormatException>(() => SpoolEntrySerializer.Deserialize(Encoding.UTF8.GetBytes(text)));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100_000)]
    public async Task QueueFileHead_RoundTrips_AndGivesWhereTheMessageStarts(int messageLength)
    {
        var entry = SpoolSamples.Entry();
        var head = SpoolEntrySerializer.SerializeQueueFileHead(entry);
        Assert.StartsWith("MTAKIT-SPOOL 3 ", Encoding.ASCII.GetString(head), StringComparison.Ordinal);
        var message = new byte[messageLength];
        new Random(7).NextBytes(message);
        using var file = new MemoryStream([.. head, .. message]);

        var (read, offset) = await SpoolEntrySerializer.ReadQueueFileHeadAsync(file, readEnvelope: true, CancellationToken.None);

        SpoolSamples.AssertSame(entry, read!);
        Assert.Equal(head.Length, offset);
        SpoolSamples.AssertSame(entry, SpoolEntrySerializer.DeserializeQueueFileHead(file.ToArray()));
    }

    [Theory]
    [InlineData("MTAKIT-SPOOL 2\n{}\n", "first line must be 'MTAKIT-SPOOL 3 <envelope length>'")]
    [InlineData("MTAKIT-SPOOL 3 x\n{}\n", "invalid envelope length 'x'")]
    [InlineData("MTAKIT-SPOOL 3 999999999\n{}\n", "invalid envelope length '999999999'")]
    [InlineData("MTAKIT-SPOOL 3 40\n{\"id\":", "truncated inside its envelope")]
    [InlineData("MTAKIT-SPOOL 3 2\n{}X", "truncated inside its envelope")]
    public async Task ReadQueueFileHeadAsync_Invalid_ThrowsSpoolFormatException(string text, string expected)
    {
        using var file = new MemoryStream(Encoding.ASCII.GetBytes(text));
        var ex = await Assert.ThrowsAsync<SpoolFormatException>(async () => await SpoolEntrySerializer.ReadQueueFileHeadAsync(file, readEnvelope: true, CancellationToken.None));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, Assert.Throws<SpoolFormatException>(() => SpoolEntrySerializer.DeserializeQueueFileHead(Encoding.ASCII.GetBytes(text))).Message, StringComparison.Ordinal);
    }
}
