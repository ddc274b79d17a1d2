using DvServerless.Adapters.Llm.Offline;
using DvServerless.Adapters.Speech.Offline;
using DvServerless.Adapters.Tests.Speech.Offline;
using DvServerless.Core.Speech;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tests.Llm.Offline;

/// <summary>The offline parts chained as the cascaded engine chains them: caller speech → recognizer → responder.</summary>
public sealed class OfflineResponderFromSpeechTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dvs-offline-turns-" + Guid.NewGuid().ToString("N"));
    private readonly PocketSphinxSpeechToText _stt = new(Options.Create(new PocketSphinxOptions()), TimeProvider.System);
    private readonly OfflineResponder _responder = new(new OfflineResponderOptions());

    [SkippableFact]
    public async Task Spoken_requests_reach_the_right_intent_and_unknown_ones_are_said_back()
    {
        OfflineSpeechTools.RequireRecognizerAndFlite();
        (string Said, string Intent)[] turns =
        [
            ("what are your opening hours", "hours"),
            ("I would like to book an appointment for tomorrow", "book"),
            ("can I cancel my reservation", "cancel"),
            ("please transfer me to a human agent", "human"),
            ("I want to check my account balance", "balance"),
            ("thank you goodbye", "goodbye"),
            ("I lost my credit card", "fallback"),
        ];

        var clips = turns.Select((t, i) => RecognitionDriver.Join(OfflineSpeechTools.Flite(t.Said, _folder), OfflineSpeechTools.Noise(1000, 20 + i))).ToList();
        var recognition = await _stt.StartAsync(new SpeechRecognitionOptions { CallId = "turns" }, CancellationToken.None);
        await using (recognition)
        {
            await RecognitionDriver.SendAsync(recognition, RecognitionDriver.Join([OfflineSpeechTools.Noise(500, 19), .. clips]));
            await recognition.CompleteAsync(CancellationToken.None);
            var finals = (await RecognitionDriver.ReadAllAsync(recognition, TimeSpan.FromSeconds(120))).OfType<SpeechFinal>().ToList();

            Assert.Equal(turns.Length, finals.Count);
            for (var i = 0; i < turns.Length; i++)
            {
                var response = await _responder.GetResponseAsync([new ChatMessage(ChatRole.User, finals[i].Text)]);
                Assert.True(
                    Equals(turns[i].Intent, response.AdditionalProperties?[OfflineResponder.IntentProperty]),
                    $"'{turns[i].Said}' was heard as '{finals[i].Text}' and answered as {response.AdditionalProperties?[OfflineResponder.IntentProperty]}.");
                if (turns[i].Intent == "fallback")
                {
                    Assert.Equal($"I heard: {finals[i].Text}. Could you say that another way?", response.Text);
                }
            }
        }
    }

    public void Dispose()
    {
        _stt.Dispose();
        _responder.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
