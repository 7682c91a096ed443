using System.Text.Json.Serialization;

namespace MtaKit.Queueing;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(TierHandOffDocument))]
internal sealed partial class TierHandOffJsonContext : JsonSerializerContext
{
}
