namespace MtaKit.Scanning;

/// <summary>What the data-scan stage does with a message tagged as spam (<c>MtaKit:Scanning:Spam:TagAction</c>).</summary>
public enum SpamTagAction
{
    /// <summary>Deliver it with <c>X-Spam-Flag: YES</c> (the default); the mailbox side files it.</summary>
    Headers,

    /// <summary>Deliver it, with the same headers, marked for quarantine (the message handler decides where quarantined mail goes).</summary>
    Quarantine,
}
