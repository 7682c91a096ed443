namespace MtaKit.Queueing;

/// <summary>
/// The kinds of temporary failure retry rules can tell apart. In rule text they are written
/// <c>any</c>, <c>timeout</c>, <c>refused</c>, <c>dns</c>, <c>mail_4xx</c>, <c>rcpt_4xx</c>,
/// <c>data_4xx</c>, <c>other</c>.
/// </summary>
public enum RetryErrorKind
{
    /// <summary><c>any</c>: in a rule, matches every failure. Never the kind of an actual failure.</summary>
    Any = 0,

    /// <summary><c>timeout</c>: connecting or a command timed out.</summary>
    Timeout = 1,

    /// <summary><c>refused</c>: the connection was refused or reset before the greeting.</summary>
    Refused = 2,

    /// <summary><c>dns</c>: the next hop's address could not be resolved (temporary DNS failure).</summary>
    Dns = 3,

    /// <summary><c>mail_4xx</c>: a 4xx reply to the greeting, EHLO or MAIL.</summary>
    Mail4xx = 4,

    /// <summary><c>rcpt_4xx</c>: a 4xx reply to RCPT.</summary>
    Rcpt4xx = 5,

    /// <summary><c>data_4xx</c>: a 4xx reply to DATA, BDAT or the end of data.</summary>
    Data4xx = 6,

    /// <summary><c>other</c>: any other temporary failure (connection lost, TLS failure).</summary>
    Other = 7,
}
