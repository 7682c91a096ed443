namespace MtaKit;

/// <summary>The rest of a phase's chain, as seen by a stage: call it to let later stages (and the engine's last step) decide.</summary>
/// <typeparam name="TContext">The phase's context type.</typeparam>
public delegate ValueTask<SmtpVerdict> StageDelegate<in TContext>(TContext context);
