namespace MtaKit.Queueing;

// One recipient in format version 1. Notify is the RFC 3461 keyword list ("SUCCESS,FAILURE").
internal sealed class SpoolRecipientDocumentV1
{
    public string Address { get; set; } = "";

    public string? Notify { get; set; }

    public string? Orcpt { get; set; }

    public string State { get; set; } = "pending";

    public SpoolReplyDocumentV1? LastReply { get; set; }
}
