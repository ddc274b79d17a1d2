using DvServerless.Core.Speech;
using DvServerless.Core.Tts;
using Microsoft.Extensions.AI;

namespace DvServerless.Adapters.Engines.Cascaded;

/// <summary>The three services a cascaded engine chains: ears, brain and voice.</summary>
/// <param name="SpeechToText">Recognizes the caller as they speak.</param>
/// <param name="ChatClient">The language model that answers.</param>
/// <param name="ChatProvider">The language model provider's name, for the engine's name and logs (<c>openai</c>).</param>
/// <param name="TextToSpeech">Speaks the answer; streams when it is an <see cref="IStreamingTextToSpeech"/>.</param>
public sealed record CascadedEngineParts(ISpeechToText SpeechToText, IChatClient ChatClient, string ChatProvider, ITextToSpeech TextToSpeech);
