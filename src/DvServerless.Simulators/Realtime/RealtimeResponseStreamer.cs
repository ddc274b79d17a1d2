using DvServerless.Core.Audio;
using System.Buffers.Binary;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// Streams one response's events: a scripted function call, a text reply, or a spoken reply whose audio deltas are
/// paced at <see cref="RealtimeSimulatorOptions.GenerationSpeed"/> with the transcript keeping up word by word. Each
/// step runs under the session's lock and stops as soon as the response is finished (cancelled); at the end it hands
/// the response to <paramref name="completed"/>.
/// </summary>
internal sealed class RealtimeResponseStreamer(
    RealtimeSessionContext session,
    RealtimeConversation conversation,
    RealtimeOutputPlayback playback,
    Action<RealtimeActiveResponse> completed)
{
    // Deltas of varying size that are not multiples of a 20 ms frame (960 bytes): clients must not assume alignment
    // (openai-openapi b0da4eab: "variable length of output audio deltas").
    private static readonly int[] PcmChunkBytes = [1200, 3600, 5000, 7202];
    private static readonly int[] G711ChunkBytes = [200, 600, 834, 1201];
    private static readonly Regex Words = new(@"\S+\s*", RegexOptions.Compiled);

    /// <summary>The <c>function_call</c> item and its arguments in three deltas. Under the session's lock.</summary>
    public void EmitFunctionCall(RealtimeActiveResponse response)
    {
        var item = new JsonObject
        {
            ["id"] = response.ItemId,
            ["object"] = "realtime.item",
            ["type"] = "function_call",
            ["status"] = "in_progress",
            ["name"] = response.ToolName,
            ["call_id"] = response.CallId,
            ["arguments"] = string.Empty,
        };
        AddOutputItem(response, new RealtimeConversationItem(response.ItemId, "function_call", null, item));
        var arguments = response.ToolArguments!;
        var step = Math.Max(1, (arguments.Length + 2) / 3);
        for (var offset = 0; offset < arguments.Length; offset += step)
        {
            var delta = response.ItemEvent("response.function_call_arguments.delta", withContentIndex: false);
            delta["call_id"] = response.CallId;
            delta["delta"] = arguments.Substring(offset, Math.Min(step, arguments.Length - offset));
            session.Events.Send(delta);
        }

        var done = response.ItemEvent("response.function_call_arguments.done", withContentIndex: false);
        done["call_id"] = response.CallId;
        done["name"] = response.ToolName;
        done["arguments"] = arguments;
        session.Events.Send(done);
        item["status"] = "completed";
        item["arguments"] = arguments;
        response.Item!.Transcript = arguments;
        completed(response);
    }

    /// <summary>A text-only reply, a delta per word. Under the session's lock.</summary>
    public void EmitText(RealtimeActiveResponse response)
    {
        AddOutputItem(response, AssistantItem(response));
        var added = response.ItemEvent("response.content_part.added", withContentIndex: true);
        added["part"] = new JsonObject { ["type"] = "output_text", ["text"] = string.Empty };
        session.Events.Send(added);
        foreach (Match word in Words.Matches(response.Text))
        {
            var delta = response.ItemEvent("response.output_text.delta", withContentIndex: true);
            delta["delta"] = word.Value;
            session.Events.Send(delta);
        }

        response.SpokenChars = response.Text.Length;
        var done = response.ItemEvent("response.output_text.done", withContentIndex: true);
        done["text"] = response.Text;
        session.Events.Send(done);
        var partDone = response.ItemEvent("response.content_part.done", withContentIndex: true);
        partDone["part"] = new JsonObject { ["type"] = "output_text", ["text"] = response.Text };
        session.Events.Send(partDone);
        response.Item!.Json["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = response.Text });
        response.Item.Json["status"] = "completed";
        response.Item.Transcript = response.Text;
        completed(response);
    }

    /// <summary>A spoken reply: synthesized audio in paced deltas; takes the session's lock per chunk.</summary>
    public async Task EmitAudioAsync(RealtimeActiveResponse response)
    {
        var config = session.Config;
        var pcm = config.OutputFormatType == "audio/pcm";
        var rate = pcm ? 24_000 : 8_000;
        lock (session.Gate)
        {
            if (response.Finished)
            {
                return;
            }

            var item = AssistantItem(response);
            item.HasAudio = true;
            AddOutputItem(response, item);
            var added = response.ItemEvent("response.content_part.added", withContentIndex: true);
            added["part"] = new JsonObject { ["type"] = "output_audio", ["transcript"] = string.Empty };
            session.Events.Send(added);
        }

        var audio = AgentSpeechAudio.Get(response.Text, response.Text.Length * session.Options.SpeechMsPerCharacter, rate, config.OutputFormatType,
            static (text, durationMs, sampleRate, format) => Encode(AgentSpeechSynthesizer.Synthesize(text, durationMs, sampleRate), format));
        var bytesPerMs = pcm ? 48.0 : 8.0;
        var chunks = pcm ? PcmChunkBytes : G711ChunkBytes;
        var words = Words.Matches(response.Text);
        var wordIndex = 0;
        var offset = 0;
        for (var chunk = 0; offset < audio.Length; chunk++)
        {
            var size = Math.Min(chunks[chunk % chunks.Length], audio.Length - offset);
            lock (session.Gate)
            {
                if (response.Finished)
                {
                    return;
                }

                session.Events.Send(RealtimeAudioDeltaEvent.Write(response.Id, response.ItemId, audio.AsSpan(offset, size)));
                playback.OnOutputAudioProduced(response.Id, size / bytesPerMs);
                offset += size;
                response.Item!.ProducedAudioMs = offset / bytesPerMs;
                // The transcript keeps pace with the audio: each word is sent once its share of audio has been.
                var spokenShare = (double)offset / audio.Length;
                while (wordIndex < words.Count && words[wordIndex].Index + words[wordIndex].Length <= spokenShare * response.Text.Length + 0.5)
                {
                    SendTranscriptDelta(response, words[wordIndex].Value);
                    response.SpokenChars = words[wordIndex].Index + words[wordIndex].Length;
                    wordIndex++;
                }
            }

            var wait = TimeSpan.FromMilliseconds(size / bytesPerMs / session.Options.GenerationSpeed);
            if (wait >= TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, session.Time, response.Cancellation).ConfigureAwait(false);
            }
            else if (chunk % 8 == 7)
            {
                await Task.Yield();
            }
        }

        lock (session.Gate)
        {
            if (response.Finished)
            {
                return;
            }

            for (; wordIndex < words.Count; wordIndex++)
            {
                SendTranscriptDelta(response, words[wordIndex].Value);
            }

            response.SpokenChars = response.Text.Length;
            session.Events.Send(response.ItemEvent("response.output_audio.done", withContentIndex: true));
            var transcriptDone = response.ItemEvent("response.output_audio_transcript.done", withContentIndex: true);
            transcriptDone["transcript"] = response.Text;
            session.Events.Send(transcriptDone);
            var partDone = response.ItemEvent("response.content_part.done", withContentIndex: true);
            partDone["part"] = new JsonObject { ["type"] = "output_audio", ["transcript"] = response.Text };
            session.Events.Send(partDone);
            response.Item!.Json["content"] = new JsonArray(new JsonObject { ["type"] = "output_audio", ["transcript"] = response.Text });
            response.Item.Json["status"] = "completed";
            response.Item.Transcript = response.Text;
            completed(response);
        }
    }

    private void SendTranscriptDelta(RealtimeActiveResponse response, string word)
    {
        var transcript = response.ItemEvent("response.output_audio_transcript.delta", withContentIndex: true);
        transcript["delta"] = word;
        session.Events.Send(transcript);
    }

    /// <summary>
    /// <c>response.output_item.added</c>, then <c>conversation.item.added</c>: the service announces response items
    /// in the conversation too (spec example of <c>conversation.item.done</c> carries an assistant item).
    /// </summary>
    private void AddOutputItem(RealtimeActiveResponse response, RealtimeConversationItem item)
    {
        response.Item = item;
        var previous = conversation.AddResponseItem(item);
        session.Events.Send(response.OutputItemEvent("response.output_item.added"));
        session.Events.Send(RealtimeConversation.ItemEvent("conversation.item.added", previous, item));
        response.PreviousItemId = previous;
    }

    private static RealtimeConversationItem AssistantItem(RealtimeActiveResponse response) => new(
        response.ItemId,
        "message",
        "assistant",
        new JsonObject
        {
            ["id"] = response.ItemId,
            ["object"] = "realtime.item",
            ["type"] = "message",
            ["status"] = "in_progress",
            ["role"] = "assistant",
            ["content"] = new JsonArray(),
        });

    private static byte[] Encode(short[] samples, string formatType)
    {
        if (formatType == "audio/pcm")
        {
            var bytes = new byte[samples.Length * 2];
            for (var i = 0; i < samples.Length; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), samples[i]);
            }

            return bytes;
        }

        var mu = formatType == "audio/pcmu";
        var encoded = new byte[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            encoded[i] = mu ? G711.EncodeMulaw(samples[i]) : G711.EncodeAlaw(samples[i]);
        }

        return encoded;
    }
}
