using DvServerless.Core.Costs;
using DvServerless.Core.Engines;
using DvServerless.Core.Minutes;
using DvServerless.Core.Records;

namespace DvServerless.Core.Tests.Costs;

public sealed class CallCostTests
{
    [Fact]
    public void A_realtime_response_is_priced_by_modality_at_the_list_prices()
    {
        var cost = new CallCost(new PricingOptions());

        // 100 text in, 1,000 audio in, 50 text out, 2,000 audio out of gpt-realtime:
        // 100×4 + 1000×32 + 50×16 + 2000×64 = 161,200 µ$ per million = $0.1612.
        var added = cost.Add(new EngineUsage { Responses = 1, InputTextTokens = 100, InputAudioTokens = 1000, OutputTextTokens = 50, OutputAudioTokens = 2000 },
            "gpt-realtime");

        Assert.Equal(0.1612m, added);
        Assert.Equal(0.1612m, cost.TotalUsd);
    }

    [Fact]
    public void Cached_input_is_billed_at_the_cached_price_split_between_text_and_audio()
    {
        var cost = new CallCost(new PricingOptions());

        // 800 text + 200 audio in, 500 of them cached: 400 cached text, 100 cached audio.
        // (400×4 + 400×0.4 + 100×32 + 100×0.4) / 1M = (1600 + 160 + 3200 + 40) / 1M.
        cost.Add(new EngineUsage { InputTextTokens = 800, InputAudioTokens = 200, CachedInputTokens = 500 }, "gpt-realtime");

        Assert.Equal(0.005m, cost.TotalUsd);
    }

    [Fact]
    public void A_model_is_priced_by_the_longest_entry_it_starts_with_and_configuration_wins()
    {
        var pricing = new PricingOptions();
        pricing.Models["my-azure-deployment"] = new ModelPrices { AudioOutputPerMillion = 100m };

        Assert.Equal(20.00m, pricing.For("gpt-realtime-mini-2025-12-15")!.AudioOutputPerMillion);
        Assert.Equal(64.00m, pricing.For("gpt-realtime-2025-08-28")!.AudioOutputPerMillion);
        Assert.Equal(64.00m, pricing.For("GPT-REALTIME")!.AudioOutputPerMillion);
        Assert.Equal(100m, pricing.For("my-azure-deployment")!.AudioOutputPerMillion);
        Assert.Null(pricing.For("some-other-model"));
    }

    [Fact]
    public void Usage_of_an_unpriced_model_counts_nothing_and_is_named()
    {
        var cost = new CallCost(new PricingOptions());

        Assert.Equal(0m, cost.Add(new EngineUsage { OutputAudioTokens = 1000 }, "my-deployment"));
        Assert.Equal(["my-deployment"], cost.UnpricedModels);
    }

    [Fact]
    public void Transcription_is_priced_as_the_configured_transcription_model_by_tokens_or_by_minute()
    {
        var byTokens = new CallCost(new PricingOptions(), "gpt-4o-mini-transcribe");
        byTokens.Add(new EngineUsage { TranscriptionTokens = 1_000_000 }, "gpt-realtime");
        Assert.Equal(3.00m, byTokens.TotalUsd);

        var byMinute = new CallCost(new PricingOptions(), "whisper-1");
        byMinute.Add(new EngineUsage { TranscriptionSeconds = 120 }, "gpt-realtime");
        Assert.Equal(0.012m, byMinute.TotalUsd);
    }

    [Fact]
    public void Cascaded_services_are_priced_per_minute_of_speech_to_text_and_per_character_of_speech()
    {
        var pricing = new PricingOptions();
        pricing.Models["nova-3"] = new ModelPrices { TranscriptionPerMinute = 0.0077m };
        var cost = new CallCost(pricing, "gpt-4o-mini-transcribe");

        cost.Add(new EngineUsage { TranscriptionSeconds = 60 }, "nova-3");
        cost.Add(new EngineUsage { TtsCharacters = 2000 }, "tts-1");

        // The STT service's own per-minute price, not the Realtime transcription model's; 2,000 × $15/1M for speech.
        Assert.Equal(0.0077m + 0.03m, cost.TotalUsd);
    }

    [Fact]
    public void The_minutes_carry_the_cost_the_call_recorded()
    {
        var at = new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);
        CallRecordEntry[] entries =
        [
            new() { Kind = "turn", Speaker = "caller", Text = "Hi", At = at },
            new() { Kind = "cost", CostUsd = 0.0421m, At = at },
        ];

        var minutes = MinutesBuilder.Build(new MinutesCallInfo("call-1"), entries);

        Assert.Equal(0.0421m, minutes.CostUsd);
        Assert.Contains("\"costUsd\": 0.0421", MinutesRenderer.Render(minutes, MinutesFormat.Json), StringComparison.Ordinal);
        Assert.Contains("Cost: $0.0421", MinutesRenderer.Render(minutes, MinutesFormat.Txt), StringComparison.Ordinal);
        Assert.Null(MinutesBuilder.Build(new MinutesCallInfo("call-2"), [entries[0]]).CostUsd);
    }
}
