namespace MtaKit;

/// <summary>
/// The bytes of a received message as they will be delivered: the trace and stage headers added
/// in front of the original header section and body, exactly as received (dot-unstuffed, CRLF
/// line endings). Readable any number of times, concurrently.
/// </summary>
public interface IMessageContent
{
    /// <summary>The total length in bytes.</summary>
    long Length { get; }

    /// <summary>Opens a new read-only stream over the whole message, positioned at its start.</summary>
    Stream OpenRead();
}
