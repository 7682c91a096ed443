namespace MtaKit;

/// <summary>
/// What the SPF stage does with each result, bound from <c>MtaKit:Spf</c> (beside the evaluator's
/// <see cref="SpfOptions"/> in the same section).
/// </summary>
public sealed class SpfPolicyOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MtaKit:Spf";

    /// <summary>Whether <c>UseSpf()</c> adds the stage.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; init; } = true;

    /// <summary>What a <c>fail</c> result does.</summary>
    /// <value>The default value is <see cref="SpfAction.Reject"/>.</value>
    public SpfAction FailAction { get; init; } = SpfAction.Reject;

    /// <summary>What a <c>permerror</c> (a broken record at the sender's domain) does.</summary>
    /// <value>The default value is <see cref="SpfAction.Tag"/>.</value>
    public SpfAction PermErrorAction { get; init; } = SpfAction.Tag;

    /// <summary>Whether a <c>temperror</c> (DNS failure) defers MAIL with 451 4.7.24; never a 5xx. When false, it is tagged.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool DeferOnTempError { get; init; } = true;

    /// <summary>Whether sessions that authenticated (submission) are not checked.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SkipAuthenticated { get; init; } = true;

    /// <summary>Checks every value; returns one message per problem, naming its configuration key (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(FailAction))
        {
            errors.Add($"{SectionName}:FailAction: must be Reject, Tag or None.");
        }

        if (!Enum.IsDefined(PermErrorAction))
        {
            errors.Add($"{SectionName}:PermErrorAction: must be Reject, Tag or None.");
        }

        return errors;
    }
}
