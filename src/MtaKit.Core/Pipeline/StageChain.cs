namespace MtaKit.Pipeline;

/// <summary>Folds stages over a terminal step, last stage innermost (the shape of ASP.NET Core's ConnectionBuilder).</summary>
internal static class StageChain
{
    public static StageDelegate<TContext> Build<TContext>(
        IReadOnlyList<Func<TContext, StageDelegate<TContext>, ValueTask<SmtpVerdict>>> stages,
        StageDelegate<TContext> terminal)
    {
        var next = terminal;
        for (var i = stages.Count - 1; i >= 0; i--)
        {
            var stage = stages[i];
            var inner = next;
            next = context => stage(context, inner);
        }

        return next;
    }
}
