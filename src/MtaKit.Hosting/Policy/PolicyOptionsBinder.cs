using Microsoft.Extensions.Configuration;

using MtaKit.Hosting.Configuration;

namespace MtaKit.Hosting;

/// <summary>Binds a policy stage's options from its section of <c>MtaKit</c> and fails the start with every problem, by key.</summary>
internal static class PolicyOptionsBinder
{
    public static T Bind<T>(IConfiguration mtaKitSection, string name, Func<T, IReadOnlyList<string>>? validate = null)
        where T : new()
    {
        var options = new T();
        var errors = new List<string>();
        try
        {
            mtaKitSection.GetSection(name).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            errors.Add($"MtaKit:{name}: {e.Message}");
        }

        if (errors.Count == 0 && validate is not null)
        {
            errors.AddRange(validate(options));
        }

        ConfigurationErrors.ThrowIfAny(errors);
        return options;
    }

    /// <summary>Reads <c>MtaKit:&lt;name&gt;:Enabled</c> (default true) when the stage is composed.</summary>
    public static bool IsEnabled(IConfiguration mtaKitSection, string name)
    {
        var raw = mtaKitSection.GetSection(name)["Enabled"];
        if (string.IsNullOrEmpty(raw))
        {
            return true;
        }

        return bool.TryParse(raw, out var enabled)
            ? enabled
            : throw new InvalidOperationException($"Invalid MtaKit configuration: MtaKit:{name}:Enabled '{raw}' is not a valid boolean (true or false).");
    }
}
