namespace MtaKit.Queueing;

// The JSON shape of format version 1. Never change a field's meaning: add a version 2 document
// and a reader for it, keep this one so old spools still load.
internal sealed class SpoolEnvelopeDocumentV1
{
    public string Id { get; set; } = "";

    public string ReversePath { get; set; } = "";

    public List<SpoolRecipientDocumentV1> Recipients { get; set; } = [];

    public string? EnvelopeId { get; set; }

    public string? Ret { get; set; }

    public string? Body { get; set; }

    public bool SmtpUtf8 { get; set; }

    public DateTimeOffset OriginalArrival { get; set; }

    public DateTimeOffset TierArrival { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset? FirstFailure { get; set; }

    public DateTimeOffset? LastAttempt { get; set; }

    public string? LastError { get; set; }

    public bool DelayWarningSent { get; set; }

    public bool Frozen { get; set; }

    public DateTimeOffset NextAttempt { get; set; }
}
