using Microsoft.Extensions.Time.Testing;

namespace MtaKit.Queueing.Tests.Spool;

internal static class SpoolSamples
{
    private static readonly Random Seeded = new(42);
    private static readonly object Gate = new();

    public static QueueId NewId()
    {
        lock (Gate)
        {
            return QueueId.NewId(new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero)), Seeded);
        }
    }

    public static SpoolEntry Entry(QueueId? id = null) => new()
    {
        Id = id ?? NewId(),
        Envelope = new SpoolEnvelope
        {
            ReversePath = "sender@example.org",
            Recipients =
            [
                new SpoolRecipient { Address = "a@example.com", Notify = DsnNotify.Failure | DsnNotify.Delay, OriginalRecipient = "rfc822;a@example.com" },
                new SpoolRecipient
                {
                    Address = "b@example.com",
                    State = RecipientState.Failed,
                    LastReply = new SmtpReply(550, "5.1.1", "No such user"),
                },
                new SpoolRecipient { Address = "c@example.com", Notify = DsnNotify.Never, State = RecipientState.Delivered },
            ],
            EnvelopeId = "env-1",
            Return = DsnReturn.Headers,
            BodyType = BodyType.EightBitMime,
            SmtpUtf8 = true,
        },
        OriginalArrival = new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero),
        TierArrival = new DateTimeOffset(2026, 11, 29, 8, 0, 5, TimeSpan.Zero),
        Attempts = 2,
        FirstFailure = new DateTimeOffset(2026, 11, 29, 8, 0, 6, TimeSpan.Zero),
        LastAttempt = new DateTimeOffset(2026, 11, 29, 8, 15, 6, TimeSpan.Zero),
        LastError = "451 4.4.1 Connection timed out",
        DelayWarningSent = true,
        Frozen = false,
        NextAttempt = new DateTimeOffset(2026, 11, 29, 8, 30, 6, TimeSpan.Zero),
    };

    public static void AssertSame(SpoolEntry expected, SpoolEntry actual)
    {
        Assert.Equal(expected with { Envelope = actual.Envelope }, actual);
        Assert.Equal(expected.Envelope with { Recipients = actual.Envelope.Recipients }, actual.Envelope);
        Assert.Equal(expected.Envelope.Recipients, actual.Envelope.Recipients);
    }
}
