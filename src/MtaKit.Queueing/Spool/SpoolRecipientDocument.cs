namespace MtaKit.Queueing;

// One recipient of the envelope file. Notify is the RFC 3461 keyword list ("SUCCESS,FAILURE").
internal sealed class SpoolRecipientDocument
{
    public string Address { get; set; } = "";

    public string? Notify { get; set; }

    public string? Orcpt { get; set; }

    public string State { get; set; } = "pending";

    public SpoolReplyDocument? LastReply { get; set; }

    // Version 2: the queue id the next hop named in its 250 reply.
    public string? PeerQueueId { get; set; }
}
