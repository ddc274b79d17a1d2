using System.Text.Json;
using System.Threading.Channels;
using DvServerless.Core.Engines;
using Microsoft.Extensions.AI;

namespace DvServerless.Adapters.Engines.Cascaded;

// The mouth: one response streams the language model's tokens into the sentence chunker, and a second task speaks each
// piece as soon as it is cut, so the first sentence is heard while the model is still writing the rest. Events follow
// the Realtime engine's order: ResponseStarted, transcript and audio deltas, AgentTranscriptDone, tool calls,
// ResponseFinished, usage.
public sealed partial class CascadedEngine
{
    // The AI library's options (they handle the JsonElement and object values models send), on one line as Realtime sends them.
    private static readonly JsonSerializerOptions ArgumentsJson = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>Starts a response after the one in progress (which is cancelled) has reported its end.</summary>
    private void StartResponse(string? instructions, long? turnEndedAt)
    {
        lock (_gate)
        {
            if (_lifetime.IsCancellationRequested)
            {
                return;
            }

            var previous = _current;
            previous?.Cancel("turn_detected");
            var response = new CascadedResponse(NextId("resp"), NextId("item"), new SpokenText(AudioFormat), instructions, turnEndedAt, _lifetime.Token);
            Remember(response.ItemId, response.Spoken);
            _current = response;
            var after = previous?.Completion ?? Task.CompletedTask;
            response.Completion = Task.Run(() => RespondAsync(response, after), CancellationToken.None);
        }
    }

    private async Task RespondAsync(CascadedResponse response, Task previous)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            if (response.Token.IsCancellationRequested)
            {
                return; // Overtaken before it began: it never started, so it reports nothing.
            }

            Publish(new ResponseStarted(response.ResponseId));
            var calls = new List<FunctionCallContent>();
            var (status, reason) = await GenerateAsync(response, calls).ConfigureAwait(false);
            Finish(response, calls, status, reason);
        }
        finally
        {
            lock (_gate)
            {
                if (ReferenceEquals(_current, response))
                {
                    _current = null;
                }
            }

            response.Dispose();
        }
    }

    /// <summary>Streams the answer and speaks it; returns the response's status and reason.</summary>
    private async Task<(string Status, string? Reason)> GenerateAsync(CascadedResponse response, List<FunctionCallContent> calls)
    {
        var token = response.Token;
        var pieces = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var speaking = Task.Run(() => SpeakAsync(response, pieces.Reader), CancellationToken.None);
        try
        {
            var chunker = new SentenceChunker(_options.FirstChunkMinChars, _options.MaxChunkChars);
            var cut = new List<string>(2);
            var messages = _history.Snapshot(response.Instructions);
            var chatOptions = ChatOptions();
            await foreach (var update in _parts.ChatClient.GetStreamingResponseAsync(messages, chatOptions, token).ConfigureAwait(false))
            {
                foreach (var content in update.Contents)
                {
                    switch (content)
                    {
                        case TextContent { Text.Length: > 0 } text:
                            chunker.Append(text.Text, cut);
                            break;
                        case FunctionCallContent call:
                            calls.Add(call);
                            break;
                        case UsageContent usage:
                            AddUsage(response, usage.Details);
                            break;
                    }
                }

                foreach (var piece in cut)
                {
                    pieces.Writer.TryWrite(piece);
                }

                cut.Clear();
            }

            if (chunker.Flush() is { } rest)
            {
                pieces.Writer.TryWrite(rest);
            }

            pieces.Writer.TryComplete();
            await speaking.ConfigureAwait(false);
            return response.Failed ? ("failed", "tts_failed") : ("completed", null);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return response.Failed ? ("failed", "tts_failed") : ("cancelled", response.CancelReason);
        }
        catch (Exception ex)
        {
            CascadedEngineLog.PartFailed(_logger, _callId, "language model", ex.Message);
            Publish(new EngineError("llm_failed", $"Language model {_parts.ChatProvider}: {ex.Message}"));
            response.Fail();
            return ("failed", "llm_failed");
        }
        finally
        {
            pieces.Writer.TryComplete();
            await speaking.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Speaks each piece as it is cut, in order; a failed piece stops the response.</summary>
    private async Task SpeakAsync(CascadedResponse response, ChannelReader<string> pieces)
    {
        var token = response.Token;
        try
        {
            await foreach (var piece in pieces.ReadAllAsync(token).ConfigureAwait(false))
            {
                bool first;
                lock (_gate)
                {
                    first = response.Spoken.IsEmpty;
                    response.Spoken.Begin(piece);
                }

                response.TtsCharacters += piece.Length;
                Publish(new AgentTranscriptDelta(response.ResponseId, response.ItemId, first ? piece : " " + piece));
                await foreach (var audio in _voice.SpeakAsync(piece, token).ConfigureAwait(false))
                {
                    lock (_gate)
                    {
                        response.Spoken.AddAudio(audio.Length);
                    }

                    if (!response.AudioStarted)
                    {
                        response.AudioStarted = true;
                        if (response.TurnEndedAt is { } endedAt)
                        {
                            var latencyMs = _time.GetElapsedTime(endedAt).TotalMilliseconds;
                            CascadedEngineLog.FirstAudio(_logger, _callId, latencyMs);
                        }
                    }

                    Publish(new AgentAudioDelta(response.ResponseId, response.ItemId, 0, audio));
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            CascadedEngineLog.PartFailed(_logger, _callId, "text-to-speech", ex.Message);
            Publish(new EngineError("tts_failed", $"Text-to-speech {_parts.TextToSpeech.Provider}: {ex.Message}"));
            response.Fail();
        }
    }

    /// <summary>Keeps what was said in the history, hands tool calls to the loop, and reports the end and the usage.</summary>
    private void Finish(CascadedResponse response, List<FunctionCallContent> calls, string status, string? reason)
    {
        string spokenText;
        lock (_gate)
        {
            // Stopped early, a piece may have been begun but never voiced: the caller cannot have heard it.
            spokenText = status == "completed" ? response.Spoken.Text : response.Spoken.VoicedText;
            if (!response.Spoken.Truncated)
            {
                // A truncate that came first already set what the caller heard.
                _history.SetAgentText(response.ItemId, spokenText);
            }

            if (status == "completed" && calls.Count > 0)
            {
                _history.AddToolCalls(response.ItemId, calls);
                _awaitedToolCalls.Clear();
                foreach (var call in calls)
                {
                    _awaitedToolCalls.Add(call.CallId);
                }
            }
        }

        if (status != "cancelled" && spokenText.Length > 0)
        {
            Publish(new AgentTranscriptDone(response.ResponseId, response.ItemId, spokenText));
        }

        if (status == "completed")
        {
            foreach (var call in calls)
            {
                Publish(new ToolCallRequested(call.CallId, call.Name, JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), ArgumentsJson)));
            }
        }

        CascadedEngineLog.ResponseFinished(_logger, response.ResponseId, status, reason);
        Publish(new ResponseFinished(response.ResponseId, status, reason));
        // Every response that reached the model counts, with the tokens its stream reported (none from some providers).
        var usage = response.Usage ?? new UsageDetails();
        Publish(new EngineUsageReported(new EngineUsage
        {
            Responses = 1,
            InputTextTokens = usage.InputTokenCount ?? 0,
            CachedInputTokens = usage.CachedInputTokenCount ?? 0,
            OutputTextTokens = usage.OutputTokenCount ?? 0,
        }, _agent.Cascaded.LlmModel));

        if (response.TtsCharacters > 0)
        {
            Publish(new EngineUsageReported(new EngineUsage { TtsCharacters = response.TtsCharacters }, _voice.Model));
        }
    }

    private ChatOptions ChatOptions()
    {
        var cascaded = _agent.Cascaded;
        var options = new ChatOptions
        {
            ModelId = cascaded.LlmModel,
            MaxOutputTokens = cascaded.MaxOutputTokens > 0 ? cascaded.MaxOutputTokens : null,
        };
        if (_tools.Count > 0)
        {
            options.Tools = _tools;
        }

        return options;
    }

    private static void AddUsage(CascadedResponse response, UsageDetails details)
    {
        if (response.Usage is null)
        {
            response.Usage = new UsageDetails();
        }

        response.Usage.Add(details);
    }
}
