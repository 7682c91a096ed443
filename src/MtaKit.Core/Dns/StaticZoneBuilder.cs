namespace MtaKit;

/// <summary>Collects static zone data (from a file, or from code in tests) and builds an immutable <see cref="StaticZone"/>.</summary>
internal sealed class StaticZoneBuilder
{
    private readonly Dictionary<string, StaticZone.NameData> _names = new(StringComparer.Ordinal);
    private readonly List<string> _zones = [];

    public StaticZoneBuilder AddRecord(DnsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Get(record.Name).Records.Add(record);
        return this;
    }

    /// <summary>
    /// Declares how <paramref name="name"/> answers when it has no record of the asked type:
    /// <see cref="DnsStatus.NoData"/> (the name exists), <see cref="DnsStatus.NxDomain"/>, or a failure
    /// (<see cref="DnsStatus.Timeout"/>, <see cref="DnsStatus.ServFail"/>, ...).
    /// </summary>
    public StaticZoneBuilder AddStatus(string name, DnsStatus status)
    {
        if (status == DnsStatus.Success)
        {
            throw new ArgumentException("A status line declares a negative or failed answer, not Success.", nameof(status));
        }

        Get(DnsName.Normalize(name)).Status = status;
        return this;
    }

    public StaticZoneBuilder AddZone(string zone)
    {
        _zones.Add(DnsName.Normalize(zone));
        return this;
    }

    public StaticZone Build() => new(_names.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), [.. _zones.Distinct()]);

    private StaticZone.NameData Get(string name)
    {
        if (!_names.TryGetValue(name, out var data))
        {
            _names[name] = data = new StaticZone.NameData();
        }

        return data;
    }
}
