namespace MtaKit.Scanning;

/// <summary>One decoded leaf of a message: a MIME part (transfer encoding removed) or a file inside an attached zip archive.</summary>
/// <param name="Description">Where it is, for reasons in results (<c>attachment 'a.zip'</c>, <c>'x.exe' in 'a.zip'</c>).</param>
/// <param name="FileName">The file name (MIME filename/name parameter, or the archive entry name), or null.</param>
/// <param name="ContentType">The lower-case MIME type (<c>application/octet-stream</c> for archive entries).</param>
/// <param name="Content">The decoded bytes (empty for encrypted archive entries); for a single-part message a view of the raw body.</param>
/// <param name="IsEncrypted">True for an encrypted archive entry.</param>
/// <param name="ArchiveDepth">0 for a MIME part, 1 for an entry of an attached archive, 2 for an archive in an archive.</param>
internal sealed record DecodedPart(string Description, string? FileName, string ContentType, ReadOnlyMemory<byte> Content, bool IsEncrypted, int ArchiveDepth);
