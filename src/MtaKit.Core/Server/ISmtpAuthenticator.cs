namespace MtaKit;

/// <summary>Checks AUTH PLAIN/LOGIN credentials. AUTH is offered only when one is registered.</summary>
public interface ISmtpAuthenticator
{
    /// <summary>Returns true when <paramref name="password"/> is right for <paramref name="userName"/>.</summary>
    ValueTask<bool> AuthenticateAsync(SmtpSession session, string userName, string password, CancellationToken cancellationToken);

    /// <summary>
    /// Called before the credentials are checked: a reply refuses the attempt with it (for example
    /// 454 4.7.0 while a client's or user's failures are throttled) without checking the password;
    /// <see langword="null"/> (the default) lets <see cref="AuthenticateAsync"/> decide.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="userName">The user name the client gave.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    ValueTask<SmtpReply?> CheckAttemptAsync(SmtpSession session, string userName, CancellationToken cancellationToken) => new((SmtpReply?)null);
}
