using Microsoft.Extensions.Configuration;

namespace MtaKit.Scanning.Tests.Stage;

/// <summary>The stage's keys in <see cref="ScanningOptions"/>: binding, defaults, validation, the code builder.</summary>
public sealed class ScanStageOptionsTests
{
    private static ScanningOptions Bind(Dictionary<string, string?> values)
        => new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(ScanningOptions.SectionName).Get<ScanningOptions>() ?? new ScanningOptions();

    [Fact]
    public void Defaults_HeadersNoSubjectRewriteRejectTooLarge()
    {
        var options = new ScanningOptions();

        Assert.Equal(SpamTagAction.Headers, options.Spam.TagAction);
        Assert.False(options.Spam.RewriteSubject);
        Assert.Equal("[SPAM]", options.Spam.SubjectPrefix);
        Assert.Equal(ScanTooLargePolicy.Reject, options.TooLargePolicy);
    }

    [Fact]
    public void Bind_StageKeys_FillTheOptions()
    {
        var options = Bind(new()
        {
            ["MtaKit:Scanning:TooLargePolicy"] = "Accept",
            ["MtaKit:Scanning:Spam:TagAction"] = "Quarantine",
            ["MtaKit:Scanning:Spam:RewriteSubject"] = "true",
            ["MtaKit:Scanning:Spam:SubjectPrefix"] = "***SPAM***",
        });

        Assert.Equal(ScanTooLargePolicy.Accept, options.TooLargePolicy);
        Assert.Equal(SpamTagAction.Quarantine, options.Spam.TagAction);
        Assert.True(options.Spam.RewriteSubject);
        Assert.Equal("***SPAM***", options.Spam.SubjectPrefix);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Validate_RewriteSubjectWithEmptyPrefix_NamesTheKey()
    {
        var options = new ScanningOptions { Spam = new SpamOptions { RewriteSubject = true, SubjectPrefix = " " } };

        Assert.Contains(options.Validate(), e => e.StartsWith("MtaKit:Scanning:Spam:SubjectPrefix", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UndefinedEnumValues_NameTheKeys()
    {
        var options = new ScanningOptions { TooLargePolicy = (ScanTooLargePolicy)7, Spam = new SpamOptions { TagAction = (SpamTagAction)9 } };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.StartsWith("MtaKit:Scanning:TooLargePolicy", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("MtaKit:Scanning:Spam:TagAction", StringComparison.Ordinal));
    }

    [Fact]
    public void Builder_WithSpamScoresAfterOnSpamTagged_KeepsTheTagSettings()
    {
        var options = new ScanningOptionsBuilder()
            .OnSpamTagged(SpamTagAction.Quarantine, rewriteSubject: true, subjectPrefix: "[spam?]")
            .WithSpamScores(4, 12)
            .OnTooLarge(ScanTooLargePolicy.Accept)
            .Build();

        Assert.Equal(new SpamOptions { TagScore = 4, RejectScore = 12, TagAction = SpamTagAction.Quarantine, RewriteSubject = true, SubjectPrefix = "[spam?]" }, options.Spam);
        Assert.Equal(ScanTooLargePolicy.Accept, options.TooLargePolicy);
    }
}
