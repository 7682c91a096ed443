namespace MtaKit.Core.Tests.Policy.Dmarc;

/// <summary>A <see cref="Random"/> whose <c>Next(max)</c> always answers the same value, to pin <c>pct=</c> sampling.</summary>
internal sealed class FixedRandom(int value) : Random
{
    public int Calls { get; private set; }

    public override int Next(int maxValue)
    {
        Calls++;
        return value;
    }
}
