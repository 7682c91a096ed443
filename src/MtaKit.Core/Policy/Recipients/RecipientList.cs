namespace MtaKit;

/// <summary>The static recipient lists: known addresses, catch-all domains, and the domains they cover.</summary>
internal sealed class RecipientList
{
    private readonly HashSet<string> _addresses = new(StringComparer.Ordinal);
    private readonly HashSet<string> _catchAll = new(StringComparer.Ordinal);
    private readonly HashSet<string> _covered = new(StringComparer.Ordinal);

    public bool IsEmpty => _covered.Count == 0;

    /// <summary>Reads the configured entries and files; returns one message per bad entry.</summary>
    public static RecipientList Load(RecipientValidationOptions options, List<string> errors)
    {
        var list = new RecipientList();
        foreach (var entry in options.Addresses)
        {
            list.Add(entry, RecipientValidationOptions.SectionName + ":Addresses", errors);
        }

        foreach (var file in options.Files)
        {
            var n = 0;
            foreach (var line in File.ReadLines(file))
            {
                n++;
                var text = line.Trim();
                if (text.Length > 0 && text[0] != '#')
                {
                    list.Add(text, $"{file}:{n}", errors);
                }
            }
        }

        return list;
    }

    /// <summary>Parses <c>user@domain</c> or <c>@domain</c> into its normalised key (<c>@domain</c> stays a domain key).</summary>
    public static bool TryParseEntry(string? text, out string key, out string? error)
    {
        key = string.Empty;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "is empty";
            return false;
        }

        if (text[0] == '@')
        {
            var domain = Mailbox.NormaliseDomain(text[1..]);
            error = domain is null ? "is not @domain" : null;
            key = "@" + domain;
            return domain is not null;
        }

        if (!Mailbox.TryParse(text, out var mailbox, out error) || mailbox.IsPostmasterWithoutDomain)
        {
            error = "is not an address or @domain" + (error is null ? string.Empty : ": " + error);
            return false;
        }

        key = Normalise(mailbox);
        return true;
    }

    /// <summary>The address as the lists compare it: lower-case local part, normalised domain.</summary>
    public static string Normalise(Mailbox mailbox) => mailbox.LocalPart.ToLowerInvariant() + "@" + mailbox.AsciiDomain;

    /// <summary>Returns <see langword="true"/> (known), <see langword="false"/> (unknown in a covered domain) or <see langword="null"/> (domain not covered).</summary>
    public bool? Lookup(Mailbox recipient)
    {
        var domain = recipient.AsciiDomain;
        if (!_covered.Contains(domain))
        {
            return null;
        }

        return _catchAll.Contains(domain) || _addresses.Contains(Normalise(recipient));
    }

    private void Add(string entry, string where, List<string> errors)
    {
        if (!TryParseEntry(entry, out var key, out var error))
        {
            errors.Add($"{where}: '{entry}' {error}.");
            return;
        }

        var at = key.LastIndexOf('@');
        var domain = key[(at + 1)..];
        _covered.Add(domain);
        (at == 0 ? _catchAll : _addresses).Add(at == 0 ? domain : key);
    }
}
