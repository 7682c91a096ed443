namespace MtaKit.Queueing;

/// <summary>
/// A retry schedule in Exim's notation, for example <c>F,2h,15m; G,16h,1h,1.5; F,4d,6h</c>: every
/// 15 minutes for the first 2 hours after the first failure, then at growing intervals (starting at
/// 1 hour, times 1.5 each time) until 16 hours, then every 6 hours until 4 days, then give up.
/// </summary>
/// <remarks>
/// <para>
/// Steps: <c>F,&lt;cutoff&gt;,&lt;interval&gt;</c> retries at a fixed interval;
/// <c>G,&lt;cutoff&gt;,&lt;interval&gt;,&lt;multiplier&gt;</c> makes each gap the previous gap times the
/// multiplier (never less than the interval); <c>H</c> takes the same arguments and picks each gap at
/// random between the previous gap and the <c>G</c> value, so that many messages failing together do
/// not retry together. Times are a number and a unit (<c>w</c>, <c>d</c>, <c>h</c>, <c>m</c>, <c>s</c>),
/// combinable (<c>1h30m</c>); cutoffs must grow from step to step.
/// </para>
/// <para>
/// As in Exim, the cutoffs count from the host's <em>first failure</em>, not from the message's
/// arrival: the step in force is the first whose cutoff is later than <c>now - firstFailure</c>, and
/// once the last cutoff has passed the next failure gives up. A queue tier also has a window counted
/// from the message's original arrival in the network (<see cref="TierOptions.Window"/>); whichever
/// ends first ends the message's stay in the tier (see <see cref="ITierPolicy"/>).
/// </para>
/// </remarks>
public sealed class RetrySchedule
{
    internal RetrySchedule(IReadOnlyList<RetryStep> steps) => Steps = steps;

    /// <summary>The steps, cutoffs increasing.</summary>
    public IReadOnlyList<RetryStep> Steps { get; }

    /// <summary>The last step's cutoff: after this long since the first failure, give up.</summary>
    public TimeSpan FinalCutoff => Steps[^1].Cutoff;

    /// <summary>Parses a schedule (<c>F,2h,15m; G,16h,1h,1.5</c>).</summary>
    /// <param name="text">The schedule text.</param>
    /// <exception cref="RetryRuleFormatException">The text does not parse; the message gives the column and what was expected.</exception>
    public static RetrySchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return RetryRuleParser.ParseSchedule(text);
    }

    /// <summary>
    /// Computes when to try again after a failure at <paramref name="now"/>.
    /// </summary>
    /// <param name="firstFailure">When the host (or message) first failed; cutoffs count from here.</param>
    /// <param name="lastAttempt">When the attempt before this one was made (equal to <paramref name="firstFailure"/> on the first failure); the gap to <paramref name="now"/> is the "previous interval" <c>G</c> and <c>H</c> grow from.</param>
    /// <param name="now">When the attempt that just failed was made.</param>
    /// <param name="random">The random source for <c>H</c> steps (seed it in tests); <see cref="Random.Shared"/> when <see langword="null"/>.</param>
    /// <returns>The next attempt time, or <see cref="RetryDecision.GiveUp"/> once the final cutoff has passed.</returns>
    public RetryDecision Next(DateTimeOffset firstFailure, DateTimeOffset lastAttempt, DateTimeOffset now, Random? random = null)
    {
        var elapsed = now - firstFailure;
        RetryStep? step = null;
        foreach (var candidate in Steps)
        {
            if (elapsed < candidate.Cutoff)
            {
                step = candidate;
                break;
            }
        }

        if (step is null)
        {
            return RetryDecision.GiveUp;
        }

        var previousGap = now - lastAttempt;
        if (previousGap < TimeSpan.Zero)
        {
            previousGap = TimeSpan.Zero;
        }

        var gap = step.Kind switch
        {
            RetryStepKind.Fixed => step.Interval,
            RetryStepKind.Geometric => previousGap < step.Interval ? step.Interval : previousGap * step.Multiplier,
            _ => RandomGap(step, previousGap, random ?? Random.Shared),
        };
        return RetryDecision.RetryAt(now + gap);
    }

    /// <summary>Returns the schedule in its text form.</summary>
    public override string ToString() => string.Join("; ", Steps.Select(Format));

    private static TimeSpan RandomGap(RetryStep step, TimeSpan previousGap, Random random)
    {
        var low = previousGap < step.Interval ? step.Interval : previousGap;
        var high = previousGap * step.Multiplier;
        if (high <= low)
        {
            return low;
        }

        return low + ((high - low) * random.NextDouble());
    }

    private static string Format(RetryStep step)
    {
        var letter = step.Kind switch
        {
            RetryStepKind.Fixed => "F",
            RetryStepKind.Geometric => "G",
            _ => "H",
        };
        var text = $"{letter},{FormatTime(step.Cutoff)},{FormatTime(step.Interval)}";
        return step.Kind == RetryStepKind.Fixed ? text : text + "," + step.Multiplier.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string FormatTime(TimeSpan time)
    {
        var sb = new System.Text.StringBuilder();
        Append(sb, time.Days, 'd');
        Append(sb, time.Hours, 'h');
        Append(sb, time.Minutes, 'm');
        Append(sb, time.Seconds, 's');
        return sb.Length == 0 ? "0s" : sb.ToString();

        static void Append(System.Text.StringBuilder sb, int value, char unit)
        {
            if (value != 0)
            {
                sb.Append(value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(unit);
            }
        }
    }
}
