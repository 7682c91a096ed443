using System.Text;

namespace MtaKit.Core.Tests.Policy.Dkim;

/// <summary>
/// Messages signed by dkimpy's dkimsign (an independent implementation) with the keys in TestData/Dkim/keys.zone
/// (made by opendkim-genkey and dknewkey).
/// </summary>
internal static class DkimTestData
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "Dkim");

    public static string ZoneText => File.ReadAllText(Path.Combine(Directory, "keys.zone"));

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    public static string ReadText(string name) => Encoding.ASCII.GetString(Read(name));

    public static StaticZoneResolver Resolver(string extraZone = "") => new(StaticZone.Parse(ZoneText + "\n" + extraZone));

    public static IMessageContent Content(string text) => MessageContent.FromBytes(Encoding.ASCII.GetBytes(text));
}
