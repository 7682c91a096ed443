namespace MtaKit;

/// <summary>The step of the SMTP/LMTP conversation that decided a <see cref="DeliveryResult"/>.</summary>
public enum DeliveryPhase
{
    /// <summary>Connecting, greeting, EHLO/LHLO, STARTTLS or AUTH.</summary>
    Connect,

    /// <summary>MAIL FROM (or a local check done before sending it).</summary>
    Mail,

    /// <summary>RCPT TO.</summary>
    Rcpt,

    /// <summary>DATA or BDAT, including the reply after the end of data.</summary>
    Data,
}
