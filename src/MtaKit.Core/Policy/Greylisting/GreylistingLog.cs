using Microsoft.Extensions.Logging;

namespace MtaKit;

/// <summary>Source-generated log events of greylisting (event ids 4120-4139).</summary>
internal static partial class GreylistingLog
{
    [LoggerMessage(EventId = 4120, Level = LogLevel.Information, Message = "Greylisted {Network} {Sender} -> {Recipient}, retry in {Seconds} s")]
    public static partial void Deferred(ILogger logger, string network, string sender, string recipient, long seconds);

    [LoggerMessage(EventId = 4121, Level = LogLevel.Information, Message = "Greylisting passed {Network} {Sender} -> {Recipient} after {Waited}")]
    public static partial void Passed(ILogger logger, string network, string sender, string recipient, TimeSpan waited);

    [LoggerMessage(EventId = 4122, Level = LogLevel.Information, Message = "Greylisting: client network {Network} is now allowed after {Passes} passes")]
    public static partial void ClientAllowed(ILogger logger, string network, long passes);
}
