using System.Text.Json.Serialization;

namespace MtaKit.Queueing;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(SpoolEnvelopeDocument))]
internal sealed partial class SpoolJsonContext : JsonSerializerContext
{
}
