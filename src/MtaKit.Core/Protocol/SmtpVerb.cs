namespace MtaKit.Protocol;

/// <summary>The SMTP commands the engine knows.</summary>
internal enum SmtpVerb : byte
{
    Unknown,
    Helo,
    Ehlo,
    Lhlo,
    Mail,
    Rcpt,
    Data,
    Bdat,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Expn,
    Help,
    StartTls,
    Auth,
}
