namespace MtaKit.Core.Tests.Pipeline;

public sealed class PropertyBagTests
{
    [Fact]
    public void SetGetRemove_MoreValuesThanTheFirstArray_EachTypeKeepsItsLatestValue()
    {
        var bag = new PropertyBag();
        Assert.False(bag.TryGet<A>(out _));
        bag.Set(new A(1));
        bag.Set(new B(2));
        bag.Set(new C(3));
        bag.Set(new D(4));
        bag.Set(new E(5));
        bag.Set(new A(10));
        bag.Set(new F(6));

        Assert.Equal(new A(10), bag.Get<A>());
        Assert.Equal(new E(5), bag.Get<E>());
        Assert.Equal(new F(6), bag.Get<F>());
        Assert.True(bag.Remove<B>());
        Assert.False(bag.Remove<B>());
        Assert.Null(bag.Get<B>());
        Assert.Equal(new C(3), bag.Get<C>());
        Assert.Equal(new D(4), bag.Get<D>());
        Assert.Equal(new F(6), bag.Get<F>());
        Assert.Equal(new A(10), bag.Get<A>());
    }

    [Fact]
    public void SetNull_ThenTryGet_IsNotAValueOfTheType()
    {
        var bag = new PropertyBag();
        bag.Set<A?>(null);
        Assert.False(bag.TryGet<A>(out _));
        Assert.Null(bag.Get<A>());
    }

    [Fact]
    public void ValueTypes_AreStoredUnderTheirOwnType()
    {
        var bag = new PropertyBag();
        bag.Set(42);
        bag.Set(42L);
        Assert.True(bag.TryGet<int>(out var i));
        Assert.Equal(42, i);
        Assert.Equal(42L, bag.Get<long>());
        Assert.False(bag.TryGet<short>(out _));
    }

    private sealed record A(int V);

    private sealed record B(int V);

    private sealed record C(int V);

    private sealed record D(int V);

    private sealed record E(int V);

    private sealed record F(int V);
}
