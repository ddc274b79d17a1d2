using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// A session's token bookkeeping: plausible usage per response from the growing conversation context, and the rate
/// limits that usage uses up. Text ≈ 4 characters per token, input audio ≈ 10 tokens per second, output audio ≈ 20
/// per second; what the previous turn already sent counts as cached. Callers hold the session's lock.
/// </summary>
internal sealed class RealtimeUsageMeter(RealtimeSessionConfiguration config)
{
    private const int RequestLimit = 1000;
    private const int TokenLimit = 50_000;

    private long _contextTextTokens;
    private long _contextAudioTokens;
    private long _previousInputTokens;
    private long _tokensUsed;
    private int _requestsUsed;

    public static long TextTokens(string text) => (text.Length + 3) / 4;

    /// <summary>Text entered the conversation (a client item).</summary>
    public void AddContextText(string text) => _contextTextTokens += TextTokens(text);

    /// <summary>Committed caller audio entered the conversation.</summary>
    public void AddContextAudio(long durationMs) => _contextAudioTokens += durationMs / 100;

    /// <summary>The usage of a response that sent <paramref name="spoken"/> and produced that much audio; its output joins the context.</summary>
    public RealtimeUsageTotals Measure(string spoken, double producedAudioMs)
    {
        var inputText = TextTokens(config.Instructions) + _contextTextTokens;
        var inputAudio = _contextAudioTokens;
        var input = inputText + inputAudio;
        var cached = Math.Min(_previousInputTokens, input) / 64 * 64;
        var outputText = TextTokens(spoken);
        var outputAudio = (long)(producedAudioMs / 50);
        _previousInputTokens = input;
        _contextTextTokens += outputText;
        _contextAudioTokens += outputAudio;
        return new RealtimeUsageTotals(input, outputText + outputAudio, inputText, inputAudio, cached, outputText, outputAudio);
    }

    /// <summary>Counts a finished response against the limits and returns the <c>rate_limits.updated</c> event.</summary>
    public JsonObject Charge(RealtimeUsageTotals usage)
    {
        _requestsUsed++;
        _tokensUsed += usage.TotalTokens;
        var limits = RealtimeServerEventQueue.NewEvent("rate_limits.updated");
        limits["rate_limits"] = new JsonArray(
            new JsonObject { ["name"] = "requests", ["limit"] = RequestLimit, ["remaining"] = Math.Max(0, RequestLimit - _requestsUsed), ["reset_seconds"] = 60 },
            new JsonObject { ["name"] = "tokens", ["limit"] = TokenLimit, ["remaining"] = Math.Max(0, TokenLimit - _tokensUsed), ["reset_seconds"] = 60 });
        return limits;
    }

    /// <summary>The <c>usage</c> object of <c>response.done</c>.</summary>
    public static JsonObject ToJson(RealtimeUsageTotals usage) => new()
    {
        ["total_tokens"] = usage.TotalTokens,
        ["input_tokens"] = usage.InputTokens,
        ["output_tokens"] = usage.OutputTokens,
        ["input_token_details"] = new JsonObject
        {
            ["text_tokens"] = usage.InputTextTokens,
            ["audio_tokens"] = usage.InputAudioTokens,
            ["image_tokens"] = 0,
            ["cached_tokens"] = usage.CachedTokens,
            ["cached_tokens_details"] = new JsonObject { ["text_tokens"] = usage.CachedTokens, ["audio_tokens"] = 0, ["image_tokens"] = 0 },
        },
        ["output_token_details"] = new JsonObject { ["text_tokens"] = usage.OutputTextTokens, ["audio_tokens"] = usage.OutputAudioTokens },
    };
}
