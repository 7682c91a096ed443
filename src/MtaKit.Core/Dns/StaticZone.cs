using System.Globalization;
using System.Net;
using System.Text;

namespace MtaKit;

/// <summary>
/// DNS data read from zone files, answered by a <see cref="StaticZoneResolver"/>. One entry a line,
/// <c>;</c> starts a comment, names are absolute (a trailing dot is optional), the TTL (seconds) is optional (default 3600):
/// <code>
/// $ZONE example.test                      ; names at or below are answered here only
/// example.test       300 MX    10 mx1.example.test
/// mx1.example.test   300 A     192.0.2.1
/// mx1.example.test       AAAA  2001:db8::1
/// example.test       300 TXT   "v=spf1 ip4:192.0.2.0/24 " "-all"   ; strings are joined
/// 1.2.0.192.in-addr.arpa PTR   mx1.example.test
/// www.example.test       CNAME mx1.example.test
/// gone.example.test      NXDOMAIN         ; the name does not exist
/// empty.example.test     NODATA           ; the name exists, without records
/// slow.example.test      TIMEOUT          ; also SERVFAIL, REFUSED: failures for tests
/// *.spam.example         A     127.0.0.2  ; a wildcard: any name below spam.example without its own entry
/// </code>
/// A name with records of other types answers NODATA for a type it lacks; an undefined name answers NXDOMAIN.
/// The resolver is authoritative for names at or below each <c>$ZONE</c>, for every name the file defines,
/// and for the names below a wildcard's parent.
/// </summary>
public sealed class StaticZone
{
    private const int DefaultTtlSeconds = 3600;
    private static readonly TimeSpan NegativeTtl = TimeSpan.FromSeconds(60);
    private readonly Dictionary<string, NameData> _names;
    private readonly string[] _zones;

    internal StaticZone(Dictionary<string, NameData> names, string[] zones)
    {
        _names = names;
        _zones = zones;
    }

    /// <summary>The number of names with data.</summary>
    public int NameCount => _names.Count;

    /// <summary>Reads zone files (merged into one zone).</summary>
    /// <exception cref="FormatException">A line is invalid; the message names the file and line.</exception>
    public static StaticZone Load(params IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var builder = new StaticZoneBuilder();
        foreach (var path in paths)
        {
            ParseInto(builder, File.ReadAllText(path), path);
        }

        return builder.Build();
    }

    /// <summary>Parses zone text.</summary>
    /// <param name="text">The zone file content.</param>
    /// <param name="source">A name for error messages.</param>
    /// <exception cref="FormatException">A line is invalid; the message names the source and line.</exception>
    public static StaticZone Parse(string text, string source = "zone")
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StaticZoneBuilder();
        ParseInto(builder, text, source);
        return builder.Build();
    }

    /// <summary>True when this zone answers for <paramref name="name"/> (at or below a <c>$ZONE</c>, or a defined name).</summary>
    public bool IsAuthoritativeFor(string name)
    {
        var normalized = DnsName.Normalize(name);
        if (_names.ContainsKey(normalized))
        {
            return true;
        }

        foreach (var zone in _zones)
        {
            if (DnsName.IsAtOrBelow(normalized, zone))
            {
                return true;
            }
        }

        return TryWildcard(normalized, out _);
    }

    internal DnsAnswer Answer(string name, DnsRecordType type)
    {
        var asked = DnsName.Normalize(name);
        var current = asked;
        for (var hops = 0; hops < 9; hops++)
        {
            if (!_names.TryGetValue(current, out var data) && !TryWildcard(current, out data))
            {
                return DnsAnswer.Empty(asked, type, DnsStatus.NxDomain, NegativeTtl);
            }

            var records = data.Records.Where(r => r.Type == type).ToArray();
            if (records.Length > 0)
            {
                return new DnsAnswer(asked, type, DnsStatus.Success, records, records.Min(r => r.Ttl));
            }

            var cname = type == DnsRecordType.Cname ? null : data.Records.FirstOrDefault(r => r.Type == DnsRecordType.Cname);
            if (cname is null)
            {
                var status = data.Status ?? DnsStatus.NoData;
                return DnsAnswer.Empty(asked, type, status, status is DnsStatus.NoData or DnsStatus.NxDomain ? NegativeTtl : TimeSpan.Zero);
            }

            current = cname.Host!;
        }

        return DnsAnswer.Empty(asked, type, DnsStatus.ServFail, TimeSpan.Zero); // CNAME loop
    }

    // "*.example.test" answers for any name below example.test that has no entry of its own (closest wildcard wins).
    private bool TryWildcard(string name, out NameData data)
    {
        // "*" + the name's suffix from each dot, looked up as a span: no string per label.
        var lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> buffer = name.Length < 256 ? stackalloc char[256] : new char[name.Length + 1];
        buffer[0] = '*';
        for (var dot = name.IndexOf('.', StringComparison.Ordinal); dot >= 0; dot = name.IndexOf('.', dot + 1))
        {
            var suffix = name.AsSpan(dot);
            suffix.CopyTo(buffer[1..]);
            if (lookup.TryGetValue(buffer[..(suffix.Length + 1)], out data!))
            {
                return true;
            }
        }

        data = null!;
        return false;
    }

    private static void ParseInto(StaticZoneBuilder builder, string text, string source)
    {
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            try
            {
                var tokens = Tokenize(rawLine);
                if (tokens.Count > 0)
                {
                    ParseLine(builder, tokens);
                }
            }
            catch (FormatException ex)
            {
                throw new FormatException($"{source}:{lineNumber}: {ex.Message}", ex);
            }
        }
    }

    private static void ParseLine(StaticZoneBuilder builder, List<(string Text, bool Quoted)> tokens)
    {
        var name = tokens[0].Text;
        if (name.Equals("$ZONE", StringComparison.OrdinalIgnoreCase))
        {
            Expect(tokens.Count == 2, "$ZONE takes one name");
            builder.AddZone(tokens[1].Text);
            return;
        }

        Expect(tokens.Count >= 2, "expected: name [ttl] type value");
        var i = 1;
        var ttl = TimeSpan.FromSeconds(DefaultTtlSeconds);
        if (uint.TryParse(tokens[1].Text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            ttl = TimeSpan.FromSeconds(seconds);
            i++;
        }

        Expect(tokens.Count > i, "the record type is missing");
        var type = tokens[i].Text.ToUpperInvariant();
        var values = tokens.Skip(i + 1).ToList();
        switch (type)
        {
            case "NXDOMAIN" or "NODATA" or "TIMEOUT" or "SERVFAIL" or "REFUSED":
                Expect(values.Count == 0, type + " takes no value");
                builder.AddStatus(name, type switch
                {
                    "NXDOMAIN" => DnsStatus.NxDomain,
                    "NODATA" => DnsStatus.NoData,
                    "TIMEOUT" => DnsStatus.Timeout,
                    "SERVFAIL" => DnsStatus.ServFail,
                    _ => DnsStatus.Refused,
                });
                break;
            case "A" or "AAAA":
                Expect(values.Count == 1 && IPAddress.TryParse(values[0].Text, out var address)
                    && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) == (type == "AAAA"), $"{type} takes one IPv{(type == "A" ? 4 : 6)} address");
                builder.AddRecord(DnsRecord.ForAddress(name, IPAddress.Parse(values[0].Text), ttl));
                break;
            case "MX":
                Expect(values.Count == 2 && ushort.TryParse(values[0].Text, NumberStyles.None, CultureInfo.InvariantCulture, out _), "MX takes a preference (0-65535) and a host");
                builder.AddRecord(DnsRecord.ForMx(name, ushort.Parse(values[0].Text, CultureInfo.InvariantCulture), values[1].Text, ttl));
                break;
            case "TXT":
                Expect(values.Count >= 1, "TXT takes one or more strings");
                builder.AddRecord(DnsRecord.ForTxt(name, ttl, values.Select(v => v.Text)));
                break;
            case "PTR" or "CNAME":
                Expect(values.Count == 1, type + " takes one host name");
                builder.AddRecord(type == "PTR" ? DnsRecord.ForPtr(name, values[0].Text, ttl) : DnsRecord.ForCname(name, values[0].Text, ttl));
                break;
            default:
                throw new FormatException($"unknown record type '{tokens[i].Text}' (A, AAAA, MX, TXT, PTR, CNAME, NXDOMAIN, NODATA, TIMEOUT, SERVFAIL, REFUSED)");
        }
    }

    private static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw new FormatException(message);
        }
    }

    // Splits on blanks; "quoted strings" keep blanks and take \" \\ and \DDD escapes; ';' outside quotes ends the line.
    private static List<(string Text, bool Quoted)> Tokenize(string line)
    {
        var tokens = new List<(string, bool)>();
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == ';')
            {
                break;
            }
            else if (c == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    Expect(i < line.Length, "unterminated quoted string");
                    c = line[i++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\')
                    {
                        Expect(i < line.Length, "unterminated escape");
                        if (i + 3 <= line.Length && int.TryParse(line.AsSpan(i, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code <= 255)
                        {
                            sb.Append((char)code);
                            i += 3;
                            continue;
                        }

                        c = line[i++];
                    }

                    sb.Append(c);
                }

                tokens.Add((sb.ToString(), true));
            }
            else
            {
                var start = i;
                while (i < line.Length && !char.IsWhiteSpace(line[i]) && line[i] != ';' && line[i] != '"')
                {
                    i++;
                }

                tokens.Add((line[start..i], false));
            }
        }

        return tokens;
    }

    internal sealed class NameData
    {
        public List<DnsRecord> Records { get; } = [];

        public DnsStatus? Status { get; set; }
    }
}
