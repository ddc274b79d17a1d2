using DvServerless.Core.Engines;
using DvServerless.Core.Speech;
using DvServerless.Core.Tts;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Engines.Cascaded;

/// <summary>
/// Creates one <see cref="CascadedEngine"/> per call from the agent's <see cref="CascadedAgentOptions"/>: the
/// speech-to-text and text-to-speech registered with that provider name, and the language model registered as the keyed
/// <see cref="IChatClient"/> of that name.
/// </summary>
public sealed class CascadedEngineFactory : IConversationEngineFactory
{
    private readonly IServiceProvider _services;
    private readonly CascadedEngineOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;

    /// <summary>Creates the factory over the container that holds the parts.</summary>
    public CascadedEngineFactory(IServiceProvider services, IOptions<CascadedEngineOptions>? options = null,
        ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _options = options?.Value ?? new CascadedEngineOptions();
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// The parts of the <c>offline</c> engine: local recognizer, rule-based responder and espeak-ng, whose voice follows the
    /// caller's language (<c>en-US</c> → <c>en-us</c>, <c>ko-KR</c> → <c>ko</c>) unless <c>Agent:Cascaded:TtsVoice</c> names one:
    /// the agent's Realtime voice (<c>marin</c>) means nothing to espeak-ng.
    /// </summary>
    public static CascadedAgentOptions OfflineParts(CascadedAgentOptions configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        var parts = configured.Clone();
        parts.Stt = "pocketsphinx";
        parts.Llm = "offline";
        parts.LlmModel = "offline";
        parts.Tts = "espeak";
        if (string.IsNullOrWhiteSpace(parts.TtsVoice))
        {
            var language = (parts.Language ?? "en-US").Trim().ToLowerInvariant();
            parts.TtsVoice = language.StartsWith("en", StringComparison.Ordinal) ? "en-us" : language.Split('-')[0];
        }

        return parts;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A part the agent names is not registered; the message names the setting.</exception>
    public IConversationEngine Create(string callId, AgentOptions agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return Create(callId, agent, ResolveParts(agent.Cascaded, CascadedSettingHint));
    }

    /// <summary>Creates an engine on explicit parts (the voice pipeline's, or a test's).</summary>
    public IConversationEngine Create(string callId, AgentOptions agent, CascadedEngineParts parts) =>
        new CascadedEngine(callId, agent, parts, _options, _loggerFactory.CreateLogger<CascadedEngine>(), _time);

    /// <summary>
    /// Resolves the parts <paramref name="cascaded"/> names. <paramref name="hint"/> turns the part's setting name
    /// (<c>Stt</c>, <c>Llm</c>, <c>Tts</c>) into the advice an error ends with.
    /// </summary>
    /// <exception cref="InvalidOperationException">A part is not registered.</exception>
    public CascadedEngineParts ResolveParts(CascadedAgentOptions cascaded, Func<string, string> hint)
    {
        ArgumentNullException.ThrowIfNull(cascaded);
        ArgumentNullException.ThrowIfNull(hint);
        var stt = Find(_services.GetServices<ISpeechToText>(), s => s.Provider, cascaded.Stt, "speech-to-text", hint("Stt"));
        var tts = Find(_services.GetServices<ITextToSpeech>(), t => t.Provider, cascaded.Tts, "text-to-speech", hint("Tts"));
        var llm = string.IsNullOrWhiteSpace(cascaded.Llm) ? null : _services.GetKeyedService<IChatClient>(cascaded.Llm.Trim());
        if (llm is null)
        {
            throw new InvalidOperationException(
                $"No language model '{cascaded.Llm}' is registered (an IChatClient keyed '{cascaded.Llm}'). {hint("Llm")}");
        }

        return new CascadedEngineParts(stt, llm, cascaded.Llm.Trim(), tts);
    }

    /// <summary>The advice for a cascaded agent: which setting to change.</summary>
    internal static string CascadedSettingHint(string part) =>
        $"Set Agent__Cascaded__{part} (Agent:Cascaded:{part}) to a provider that is configured, or configure that provider.";

    private static T Find<T>(IEnumerable<T> registered, Func<T, string> provider, string? wanted, string what, string hint)
    {
        var all = registered.ToList();
        var found = string.IsNullOrWhiteSpace(wanted)
            ? default
            : all.LastOrDefault(p => string.Equals(provider(p), wanted.Trim(), StringComparison.OrdinalIgnoreCase));
        if (found is not null)
        {
            return found;
        }

        var known = all.Count == 0 ? "none" : string.Join(", ", all.Select(provider).Distinct(StringComparer.OrdinalIgnoreCase));
        throw new InvalidOperationException($"No {what} provider '{wanted}' is registered (registered: {known}). {hint}");
    }
}
