namespace MtaKit.Queueing;

// An SMTP reply in the envelope file.
internal sealed class SpoolReplyDocument
{
    public int Code { get; set; }

    public string? Enhanced { get; set; }

    public List<string> Lines { get; set; } = [];
}
