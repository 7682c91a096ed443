namespace MtaKit;

/// <summary>A user name and password for SMTP AUTH (PLAIN or LOGIN) to a smarthost.</summary>
/// <param name="UserName">The authentication identity.</param>
/// <param name="Password">The password.</param>
public sealed record SmtpClientCredentials(string UserName, string Password)
{
    /// <summary>Hides the password.</summary>
    public override string ToString() => $"{UserName} (password hidden)";
}
