namespace MtaKit.Queueing;

// An SMTP reply in format version 1.
internal sealed class SpoolReplyDocumentV1
{
    public int Code { get; set; }

    public string? Enhanced { get; set; }

    public List<string> Lines { get; set; } = [];
}
