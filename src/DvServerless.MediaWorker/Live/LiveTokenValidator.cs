using DvServerless.Adapters.Tenants;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Live;

/// <summary>
/// Checks the API tokens dashboards bring to the live hub: the same HS256 tokens the Functions app issues at
/// <c>POST /api/v1/auth/token</c>, checked by <see cref="TenantTokenService"/> with the same <c>Tenants:Tokens</c>
/// settings. Without a signing key (allowed locally only, see <see cref="LiveServiceCollectionExtensions.AddLiveHub"/>)
/// every token is refused, and the first refusal logs why.
/// </summary>
public sealed partial class LiveTokenValidator
{
    private readonly TenantTokenService? _tokens;
    private readonly ILogger<LiveTokenValidator> _logger;
    private int _refusalLogged;

    /// <summary>Creates the validator from <c>Tenants:Tokens</c>.</summary>
    public LiveTokenValidator(IOptions<TenantTokenOptions> options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger<LiveTokenValidator>();
        if (!string.IsNullOrWhiteSpace(options.Value.SigningKey))
        {
            _tokens = new TenantTokenService(options.Value, timeProvider, loggerFactory.CreateLogger<TenantTokenService>());
        }
    }

    /// <summary>Whether a signing key is configured (else every token is refused).</summary>
    public bool IsConfigured => _tokens is not null;

    /// <summary>Checks <paramref name="token"/> (without <c>Bearer </c>).</summary>
    public Task<TenantTokenValidation> ValidateAsync(string? token)
    {
        if (_tokens is not null)
        {
            return _tokens.ValidateAsync(token);
        }

        if (Interlocked.Exchange(ref _refusalLogged, 1) == 0)
        {
            LogNoSigningKey(TenantTokenOptions.SectionName);
        }

        return Task.FromResult(new TenantTokenValidation(string.IsNullOrWhiteSpace(token) ? TenantTokenStatus.Missing : TenantTokenStatus.Invalid, null));
    }

    [LoggerMessage(EventId = 6100, Level = LogLevel.Warning,
        Message = "The live hub refuses every dashboard: {Section}:SigningKey is not set, so API tokens cannot be checked. Give the worker the Functions app's key.")]
    private partial void LogNoSigningKey(string section);
}
