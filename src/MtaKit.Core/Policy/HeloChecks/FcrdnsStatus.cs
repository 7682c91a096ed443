namespace MtaKit;

/// <summary>Forward-confirmed reverse DNS of the client address: PTR names whose A/AAAA records lead back to it.</summary>
public enum FcrdnsStatus
{
    /// <summary>A PTR name resolves back to the client address.</summary>
    Pass,

    /// <summary>No PTR record, or no PTR name resolves back to the address.</summary>
    Fail,

    /// <summary>DNS failed; nothing is known.</summary>
    TempError,

    /// <summary>Not looked up (<see cref="HeloChecksOptions.CheckFcrdns"/> is off).</summary>
    NotChecked,
}
