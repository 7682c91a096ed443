using System.Text.Json;
using System.Text.Json.Serialization;

namespace MtaKit.Scanning;

/// <summary>The JSON of a <c>/checkv2</c> reply (the fields MtaKit reads).</summary>
internal sealed class RspamdReply
{
    [JsonPropertyName("is_skipped")]
    public bool IsSkipped { get; set; }

    [JsonPropertyName("score")]
    public double Score { get; set; }

    [JsonPropertyName("required_score")]
    public double RequiredScore { get; set; }

    [JsonPropertyName("action")]
    public string? Action { get; set; }

    [JsonPropertyName("symbols")]
    public Dictionary<string, RspamdSymbol>? Symbols { get; set; }

    [JsonPropertyName("messages")]
    public Dictionary<string, JsonElement>? Messages { get; set; }

    [JsonPropertyName("milter")]
    public JsonElement? Milter { get; set; }

    [JsonPropertyName("error")]
    public string? Error { get; set; }
}

/// <summary>One entry of a <c>/checkv2</c> reply's <c>symbols</c> object.</summary>
internal sealed class RspamdSymbol
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("score")]
    public double Score { get; set; }
}

/// <summary>Source-generated JSON metadata for <see cref="RspamdReply"/>.</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(RspamdReply))]
internal sealed partial class RspamdJsonContext : JsonSerializerContext;
