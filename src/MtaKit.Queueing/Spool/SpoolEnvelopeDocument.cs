namespace MtaKit.Queueing;

// The JSON shape of the envelope file. Version 1 had every field but those marked "version 2";
// version 2 only added optional fields, so one document reads both (absent fields keep their
// defaults). Never change a field's meaning: add a field and a version, keep old ones readable.
internal sealed class SpoolEnvelopeDocument
{
    public string Id { get; set; } = "";

    public string ReversePath { get; set; } = "";

    public List<SpoolRecipientDocument> Recipients { get; set; } = [];

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

    // Version 2: "validated" or "not-validated"; absent when unknown.
    public string? SenderValidation { get; set; }
}
