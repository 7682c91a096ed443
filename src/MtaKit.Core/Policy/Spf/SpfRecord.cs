using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace MtaKit;

/// <summary>A parsed <c>v=spf1</c> record (RFC 7208 section 4.6): the mechanisms in order, and the redirect and exp modifiers.</summary>
internal sealed partial class SpfRecord
{
    private SpfRecord(IReadOnlyList<SpfMechanism> mechanisms, string? redirect, string? explanation)
    {
        Mechanisms = mechanisms;
        Redirect = redirect;
        Explanation = explanation;
    }

    public IReadOnlyList<SpfMechanism> Mechanisms { get; }

    /// <summary>The redirect modifier's domain-spec, unexpanded.</summary>
    public string? Redirect { get; }

    /// <summary>The exp modifier's domain-spec, unexpanded.</summary>
    public string? Explanation { get; }

    /// <summary>True when the TXT string is an SPF version 1 record: <c>v=spf1</c> then a space or the end.</summary>
    public static bool IsSpf1(string text)
        => text.StartsWith("v=spf1", StringComparison.OrdinalIgnoreCase) && (text.Length == 6 || text[6] == ' ');

    /// <summary>Parses a whole record; any syntax error anywhere makes it invalid (section 4.6).</summary>
    public static bool TryParse(string text, out SpfRecord record, out string error)
    {
        record = null!;
        var mechanisms = new List<SpfMechanism>();
        string? redirect = null;
        string? explanation = null;
        foreach (var term in text[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var modifier = ModifierRegex().Match(term);
            if (modifier.Success)
            {
                var name = modifier.Groups[1].Value.ToLowerInvariant();
                var value = term[(modifier.Length)..];
                var isKnown = name is "redirect" or "exp";
                if (isKnown ? !SpfMacro.IsValidDomainSpec(value) : !SpfMacro.IsValid(value, explanation: false))
                {
                    error = $"invalid modifier '{term}'";
                    return false;
                }

                if ((name == "redirect" && redirect is not null) || (name == "exp" && explanation is not null))
                {
                    error = $"modifier '{name}' appears twice";
                    return false;
                }

                if (name == "redirect")
                {
                    redirect = value;
                }
                else if (name == "exp")
                {
                    explanation = value;
                }

                continue; // unknown modifiers are ignored (section 6)
            }

            if (!TryParseMechanism(term, out var mechanism))
            {
                error = $"invalid term '{term}'";
                return false;
            }

            mechanisms.Add(mechanism);
        }

        record = new SpfRecord(mechanisms, redirect, explanation);
        error = string.Empty;
        return true;
    }

    private static bool TryParseMechanism(string term, out SpfMechanism mechanism)
    {
        mechanism = null!;
        var result = term[0] switch
        {
            '+' => SpfResult.Pass,
            '-' => SpfResult.Fail,
            '~' => SpfResult.SoftFail,
            '?' => SpfResult.Neutral,
            _ => (SpfResult?)null,
        };
        var body = result is null ? term : term[1..];
        var nameEnd = body.IndexOfAny([':', '/']);
        var name = (nameEnd < 0 ? body : body[..nameEnd]).ToLowerInvariant();
        var rest = nameEnd < 0 ? string.Empty : body[nameEnd..];
        var qualifier = result ?? SpfResult.Pass;
        switch (name)
        {
            case "all":
                return Create(rest.Length == 0, SpfMechanismKind.All, null, 32, 128, null, out mechanism);
            case "include" or "exists":
                var spec = rest.StartsWith(':') ? rest[1..] : null;
                return Create(spec is not null && SpfMacro.IsValidDomainSpec(spec), name == "include" ? SpfMechanismKind.Include : SpfMechanismKind.Exists, spec, 32, 128, null, out mechanism);
            case "ptr":
                var ptrSpec = rest.StartsWith(':') ? rest[1..] : null;
                return Create(rest.Length == 0 || (ptrSpec is not null && SpfMacro.IsValidDomainSpec(ptrSpec)), SpfMechanismKind.Ptr, ptrSpec, 32, 128, null, out mechanism);
            case "a" or "mx":
                var cidr = DualCidrRegex().Match(rest);
                var target = rest[..cidr.Index];
                var ok = TryCidr(cidr.Groups[1], 32, out var cidr4) & TryCidr(cidr.Groups[2], 128, out var cidr6);
                string? domainSpec = null;
                if (target.Length > 0)
                {
                    domainSpec = target.StartsWith(':') ? target[1..] : null;
                    ok &= domainSpec is not null && SpfMacro.IsValidDomainSpec(domainSpec);
                }

                return Create(ok, name == "a" ? SpfMechanismKind.A : SpfMechanismKind.Mx, domainSpec, cidr4, cidr6, null, out mechanism);
            case "ip4" or "ip6":
                var v6 = name == "ip6";
                var match = (v6 ? Ip6Regex() : Ip4Regex()).Match(rest);
                var valid = match.Success & TryCidr(match.Groups[2], v6 ? 128 : 32, out var length);
                IPAddress? network = null;
                valid = valid && IPAddress.TryParse(match.Groups[1].Value, out network)
                    && network.AddressFamily == (v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork) && (v6 || IsDottedQuad(match.Groups[1].Value));
                return Create(valid, v6 ? SpfMechanismKind.Ip6 : SpfMechanismKind.Ip4, null, v6 ? 32 : length, v6 ? length : 128, network, out mechanism);
            default:
                return false;
        }

        bool Create(bool valid, SpfMechanismKind kind, string? domainSpec, int c4, int c6, IPAddress? net, out SpfMechanism created)
        {
            created = valid ? new SpfMechanism(qualifier, kind, domainSpec, c4, c6, net, term) : null!;
            return valid;
        }
    }

    private static bool TryCidr(Group group, int max, out int length)
    {
        length = max;
        if (!group.Success)
        {
            return true;
        }

        var text = group.Value;
        return (text == "0" || text[0] != '0') && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out length) && length <= max;
    }

    private static bool IsDottedQuad(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && (p == "0" || p[0] != '0') && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9_.-]*)=")]
    private static partial Regex ModifierRegex();

    [GeneratedRegex(@"(?:/([0-9]+))?(?://([0-9]+))?\z")]
    private static partial Regex DualCidrRegex();

    [GeneratedRegex(@"^:([0-9.]+)(?:/([0-9]+))?\z")]
    private static partial Regex Ip4Regex();

    [GeneratedRegex(@"^:([0-9A-Fa-f:.]+)(?:/([0-9]+))?\z")]
    private static partial Regex Ip6Regex();
}
