namespace MtaKit;

/// <summary>Checks AUTH PLAIN/LOGIN credentials. AUTH is offered only when one is registered.</summary>
public interface ISmtpAuthenticator
{
    /// <summary>Returns true when <paramref name="password"/> is right for <paramref name="userName"/>.</summary>
    ValueTask<bool> AuthenticateAsync(SmtpSession session, string userName, string password, CancellationToken cancellationToken);
}
