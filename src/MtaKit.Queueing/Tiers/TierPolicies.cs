namespace MtaKit.Queueing;

/// <summary>Creates the built-in tier policies and picks one by name.</summary>
public static class TierPolicies
{
    /// <summary>Creates the default policy.</summary>
    /// <param name="random">The random source for <c>H</c> retry steps (seed it in tests); <see cref="Random.Shared"/> when <see langword="null"/>.</param>
    public static ITierPolicy CreateDefault(Random? random = null) => new DefaultTierPolicy(random ?? Random.Shared);

    /// <summary>Returns the policy named <paramref name="name"/> (case-insensitive).</summary>
    /// <param name="policies">The registered policies.</param>
    /// <param name="name">The configured name.</param>
    /// <exception cref="ArgumentException">No policy has that name; the message lists the known ones.</exception>
    public static ITierPolicy Select(IEnumerable<ITierPolicy> policies, string name)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(name);
        var list = policies.ToList();
        return list.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                $"MtaKit:Queue:Tier:Policy names '{name}', but the known tier policies are: {string.Join(", ", list.Select(p => p.Name))}.",
                nameof(name));
    }
}
