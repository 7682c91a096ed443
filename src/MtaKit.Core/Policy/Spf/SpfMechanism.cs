using System.Net;

namespace MtaKit;

/// <summary>The mechanisms of RFC 7208 section 5.</summary>
internal enum SpfMechanismKind
{
    All,
    Include,
    A,
    Mx,
    Ptr,
    Ip4,
    Ip6,
    Exists,
}

/// <summary>One parsed mechanism: qualifier, kind, target domain-spec (unexpanded), CIDR lengths, network.</summary>
internal sealed record SpfMechanism(SpfResult Result, SpfMechanismKind Kind, string? DomainSpec, int Cidr4, int Cidr6, IPAddress? Network, string Text)
{
    /// <summary>True for the terms that count against the DNS lookup limit.</summary>
    public bool UsesDns => Kind is SpfMechanismKind.Include or SpfMechanismKind.A or SpfMechanismKind.Mx or SpfMechanismKind.Ptr or SpfMechanismKind.Exists;
}
