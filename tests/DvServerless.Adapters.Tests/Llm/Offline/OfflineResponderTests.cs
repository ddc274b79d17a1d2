using DvServerless.Adapters.Llm.Offline;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace DvServerless.Adapters.Tests.Llm.Offline;

/// <summary>The offline responder answers a phone caller's turn by intent, says back what it heard otherwise, and streams.</summary>
public sealed class OfflineResponderTests : IDisposable
{
    private readonly OfflineResponder _responder = new(new OfflineResponderOptions());

    [Theory]
    [InlineData("hello", "greeting")]
    [InlineData("what are your opening hours", "hours")]
    [InlineData("i would like to book an appointment for tomorrow", "book")]
    [InlineData("i would like to put an appointment for tomorrow", "book")] // the recognizer's usual slip still books
    [InlineData("can i cancel my reservation", "cancel")]
    [InlineData("I want to check my account balance.", "balance")]
    [InlineData("please transfer me to a human agent", "human")]
    [InlineData("can you say that again", "repeat")]
    [InlineData("yes please", "yes")]
    [InlineData("nope", "no")]
    [InlineData("thank you goodbye", "goodbye")]
    [InlineData("Hello, I'd like to make an appointment", "book")]
    public async Task A_caller_turn_gets_its_intents_reply(string heard, string intent)
    {
        var response = await _responder.GetResponseAsync([new ChatMessage(ChatRole.User, heard)]);

        Assert.Equal(intent, response.AdditionalProperties?[OfflineResponder.IntentProperty]);
        var expected = new OfflineResponderOptions().Intents.Single(i => i.Name == intent).Reply;
        if (!expected.Contains('{', StringComparison.Ordinal))
        {
            Assert.Equal(expected, response.Text);
        }

        Assert.Equal(ChatRole.Assistant, response.Messages.Single().Role);
        Assert.Equal(0, response.Usage?.TotalTokenCount);
    }

    [Fact]
    public async Task Words_it_has_no_intent_for_are_said_back()
    {
        var response = await _responder.GetResponseAsync([new ChatMessage(ChatRole.User, "My parrot, Sir Percival, sings.")]);

        Assert.Equal("fallback", response.AdditionalProperties?[OfflineResponder.IntentProperty]);
        Assert.Equal("I heard: my parrot sir percival sings. Could you say that another way?", response.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ...  ")]
    public async Task An_empty_turn_asks_the_caller_to_say_it_again(string heard)
    {
        var response = await _responder.GetResponseAsync([new ChatMessage(ChatRole.User, heard)]);

        Assert.Equal("empty", response.AdditionalProperties?[OfflineResponder.IntentProperty]);
        Assert.Equal("Sorry, I didn't catch that. Could you say it again?", response.Text);
    }

    [Fact]
    public async Task Only_the_last_user_turn_counts_and_repeat_says_the_previous_answer_again()
    {
        ChatMessage[] history =
        [
            new(ChatRole.System, "You are a phone agent. Say hello."),
            new(ChatRole.User, "what are your opening hours"),
            new(ChatRole.Assistant, "We open at nine."),
            new(ChatRole.User, "sorry can you repeat that"),
        ];

        var response = await _responder.GetResponseAsync(history);

        Assert.Equal("I said: We open at nine.", response.Text);
    }

    [Fact]
    public async Task Streaming_gives_the_same_reply_in_word_chunks_then_a_finish_with_zero_usage()
    {
        ChatMessage[] turn = [new(ChatRole.User, "please transfer me to a human agent")];
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in _responder.GetStreamingResponseAsync(turn))
        {
            updates.Add(update);
        }

        var whole = await _responder.GetResponseAsync(turn);
        Assert.True(updates.Count(u => u.Text.Length > 0) >= 3);
        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.Single(updates.Select(u => u.ResponseId).Distinct());
        var last = updates[^1];
        Assert.Equal(ChatFinishReason.Stop, last.FinishReason);
        Assert.Equal(0, last.Contents.OfType<UsageContent>().Single().Details.TotalTokenCount);
        Assert.Equal(whole.Text, updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task Configured_intents_add_to_and_change_the_built_in_ones()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:Offline:Intents:parking:Keywords:0"] = "parking",
            ["Agent:Offline:Intents:parking:Keywords:1"] = "park my car",
            ["Agent:Offline:Intents:parking:Reply"] = "There is free parking behind the building.",
            ["Agent:Offline:Intents:hours:Keywords"] = @"\b(hours|when do you open)\b",
            ["Agent:Offline:Intents:hours:Reply"] = "We are open around the clock.",
            ["Agent:Offline:FallbackReply"] = "Pardon? I understood {heard}.",
        }).Build();
        var responder = new OfflineResponder(OfflineResponderOptions.FromConfiguration(configuration));

        Assert.Equal("There is free parking behind the building.", (await responder.GetResponseAsync([new(ChatRole.User, "where can I park my car")])).Text);
        Assert.Equal("We are open around the clock.", (await responder.GetResponseAsync([new(ChatRole.User, "when do you open")])).Text);
        // The built-in hours pattern was replaced, so "closing" is no longer an hours question.
        Assert.Equal("Pardon? I understood what time are you closing.", (await responder.GetResponseAsync([new(ChatRole.User, "what time are you closing")])).Text);
        Assert.Equal("book", (await responder.GetResponseAsync([new(ChatRole.User, "book an appointment")])).AdditionalProperties?[OfflineResponder.IntentProperty]);
    }

    [Fact]
    public void A_bad_keyword_pattern_fails_with_the_setting_named()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:Offline:Intents:broken:Keywords"] = "(unclosed",
            ["Agent:Offline:Intents:broken:Reply"] = "never",
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => OfflineResponderOptions.FromConfiguration(configuration));
        Assert.Contains("Agent:Offline:Intents:broken:Keywords", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _responder.Dispose();
}
