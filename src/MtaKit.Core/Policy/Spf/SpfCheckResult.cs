using System.Net;
using System.Text;

namespace MtaKit;

/// <summary>The outcome of one SPF check: the result, why, and what was checked.</summary>
public sealed class SpfCheckResult
{
    internal SpfCheckResult(SpfResult result, IPAddress clientAddress, string sender, string? helo, string identity, string domain, string? mechanism, string? explanation, string? problem)
    {
        Result = result;
        ClientAddress = clientAddress;
        Sender = sender;
        Helo = helo;
        Identity = identity;
        Domain = domain;
        Mechanism = mechanism;
        Explanation = explanation;
        Problem = problem;
    }

    /// <summary>The result.</summary>
    public SpfResult Result { get; }

    /// <summary>The client address that was checked.</summary>
    public IPAddress ClientAddress { get; }

    /// <summary>The sender checked: the MAIL FROM address, or <c>postmaster@</c> the HELO name.</summary>
    public string Sender { get; }

    /// <summary>The HELO/EHLO name, when known.</summary>
    public string? Helo { get; }

    /// <summary>The identity checked: <c>mailfrom</c> or <c>helo</c>.</summary>
    public string Identity { get; }

    /// <summary>The domain whose policy was checked.</summary>
    public string Domain { get; }

    /// <summary>The term that decided (<c>ip4:192.0.2.0/24</c>), <c>default</c> when none matched, or <see langword="null"/> (none, errors).</summary>
    public string? Mechanism { get; }

    /// <summary>For <see cref="SpfResult.Fail"/>: the domain's explanation (its <c>exp=</c>) or the default one, for the 550 reply text.</summary>
    public string? Explanation { get; }

    /// <summary>For <see cref="SpfResult.TempError"/> and <see cref="SpfResult.PermError"/>: what went wrong.</summary>
    public string? Problem { get; }

    /// <summary>
    /// The reply a MAIL stage rejecting on SPF would give (RFC 7372 codes): 550 5.7.23 with the explanation for
    /// <see cref="SpfResult.Fail"/>, 451 4.7.24 for <see cref="SpfResult.TempError"/>, 550 5.7.24 for
    /// <see cref="SpfResult.PermError"/>; <see langword="null"/> for the other results (accept, perhaps with a header).
    /// </summary>
    public SmtpReply? SuggestedReply => Result switch
    {
        SpfResult.Fail => new SmtpReply(550, "5.7.23", Printable(Explanation ?? $"SPF check failed for {Domain}")),
        SpfResult.TempError => new SmtpReply(451, "4.7.24", $"Temporary SPF error for {Printable(Domain)}, try again later"),
        SpfResult.PermError => new SmtpReply(550, "5.7.24", $"Invalid SPF record for {Printable(Domain)}"),
        _ => null,
    };

    /// <summary>
    /// Formats the <c>Received-SPF:</c> header field (RFC 7208 section 9.1), unfolded, without CRLF:
    /// <c>Received-SPF: pass (mx.example.org: domain of a@example.com designates 192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from="a@example.com"; helo=h.example.com; receiver=mx.example.org; identity=mailfrom; mechanism="ip4:192.0.2.0/24"</c>.
    /// </summary>
    /// <param name="receiver">This host's name.</param>
    public string FormatReceivedSpfHeader(string receiver)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(receiver);
        var result = ResultName(Result);
        var sb = new StringBuilder("Received-SPF: ").Append(result).Append(" (").Append(Clean(receiver)).Append(": ");
        var comment = Result switch
        {
            SpfResult.Pass => $"domain of {Sender} designates {ClientAddress} as permitted sender",
            SpfResult.Fail => $"domain of {Sender} does not designate {ClientAddress} as permitted sender",
            SpfResult.SoftFail => $"domain of transitioning {Sender} does not designate {ClientAddress} as permitted sender",
            SpfResult.Neutral => $"{ClientAddress} is neither permitted nor denied by domain of {Sender}",
            SpfResult.None => $"domain of {Sender} does not provide an SPF record",
            SpfResult.TempError => $"error in processing during lookup of {Sender}",
            _ => $"domain of {Sender} has an invalid SPF record",
        };
        sb.Append(comment.Replace('(', '[').Replace(')', ']'));
        sb.Append(") client-ip=").Append(ClientAddress).Append("; envelope-from=").Append(Value(Sender));
        if (!string.IsNullOrEmpty(Helo))
        {
            sb.Append("; helo=").Append(Value(Helo));
        }

        sb.Append("; receiver=").Append(Value(receiver)).Append("; identity=").Append(Identity);
        if (Mechanism is not null)
        {
            sb.Append("; mechanism=").Append(Value(Mechanism));
        }

        if (Problem is not null)
        {
            sb.Append("; problem=").Append(Value(Problem));
        }

        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{ResultName(Result)} ({Domain}{(Mechanism is null ? "" : ", " + Mechanism)}{(Problem is null ? "" : ": " + Problem)})";

    /// <summary>The lower-case name RFC 7208 uses (<c>softfail</c>, <c>temperror</c>, ...).</summary>
    public static string ResultName(SpfResult result) => result.ToString().ToLowerInvariant();

    // The explanation comes from the sender's DNS: keep it to one line of printable ASCII.
    private static string Printable(string text) => new([.. text.Select(c => c is < ' ' or > '~' ? '?' : c)]);

    private static string Clean(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(c is < ' ' or > '~' or '(' or ')' ? '?' : c);
        }

        return sb.ToString();
    }

    // RFC 5322 dot-atom when possible, else a quoted-string.
    private static string Value(string text)
    {
        var clean = Clean(text);
        var isDotAtom = clean.Length > 0 && clean[0] != '.' && clean[^1] != '.' && !clean.Contains("..", StringComparison.Ordinal)
            && clean.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~.".Contains(c, StringComparison.Ordinal));
        return isDotAtom ? clean : "\"" + clean.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
