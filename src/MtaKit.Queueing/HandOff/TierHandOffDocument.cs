namespace MtaKit.Queueing;

// The JSON inside the hand-off parameter (short names: it travels on the MAIL command line).
internal sealed class TierHandOffDocument
{
    public int V { get; set; }

    public long Arr { get; set; }

    public int Att { get; set; }

    public long? Ff { get; set; }

    public string? Err { get; set; }

    public string? Envid { get; set; }

    public string? Ret { get; set; }

    public bool Dw { get; set; }

    public string? From { get; set; }

    // Sender validation: "v" validated, "n" not validated, absent when unknown (added after version 1, optional).
    public string? Sv { get; set; }
}
