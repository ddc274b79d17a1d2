using System.Text.Json;
using DvServerless.Adapters.Llm;
using DvServerless.Adapters.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Adapters.Tests.Llm;

/// <summary>
/// Each registered language model against a local stand-in that checks the provider's published streaming request and
/// answers with its published stream format: text arrives as it is produced and tool calls surface as
/// <see cref="FunctionCallContent"/> (no function invocation in between).
/// </summary>
public sealed class LanguageModelStreamingTests
{
    private static readonly AIFunctionDeclaration WeatherTool = AIFunctionFactory.CreateDeclaration(
        "get_weather",
        "Gets the weather in a city.",
        JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement);

    private static readonly ChatMessage[] Conversation =
    [
        new(ChatRole.System, "You are a phone agent."),
        new(ChatRole.User, "What is the weather in Paris?"),
    ];

    [Fact]
    public async Task OpenAI_streams_chat_completions_with_the_requested_model_and_surfaces_tool_call_deltas()
    {
        var firstTextSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackHttpServer.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await LoopbackHttpServer.WriteAndFlushAsync(context, Chunk("""{"role":"assistant","content":""}""") + Chunk("""{"content":"Hello"}"""));
            // Streaming, not buffering: the rest is sent only once the client has handed out the first text.
            await firstTextSeen.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await LoopbackHttpServer.WriteAndFlushAsync(context,
                Chunk("""{"content":" there."}""")
                + Chunk("""{"tool_calls":[{"index":0,"id":"call_abc","type":"function","function":{"name":"get_weather","arguments":""}}]}""")
                + Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}""")
                + Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}""")
                + "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1733400000,\"model\":\"gpt-4.1-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
                + "data: [DONE]\n\n");
        });
        using var services = Provider(("OpenAI:ApiKey", "sk-test"), ("OpenAI:ChatBaseUrl", server.BaseUrl + "v1"));
        var chat = services.GetRequiredKeyedService<IChatClient>(LanguageModelProviders.OpenAI);

        var (text, calls, _) = await CollectAsync(chat, new ChatOptions { ModelId = "gpt-4.1-mini", Tools = [WeatherTool] }, firstTextSeen);

        Assert.Equal("Hello there.", text);
        var call = Assert.Single(calls);
        Assert.Equal("call_abc", call.CallId);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]!.ToString());
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/chat/completions", request.PathAndQuery);
        Assert.Equal("Bearer sk-test", request.Headers["Authorization"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.True(body.RootElement.GetProperty("stream").GetBoolean());
        Assert.Equal("gpt-4.1-mini", body.RootElement.GetProperty("model").GetString());
        var messages = body.RootElement.GetProperty("messages");
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal("user", messages[1].GetProperty("role").GetString());
        Assert.Contains("Paris", messages[1].GetProperty("content").ToString());
        var tool = Assert.Single(body.RootElement.GetProperty("tools").EnumerateArray());
        Assert.Equal("function", tool.GetProperty("type").GetString());
        Assert.Equal("get_weather", tool.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("string", tool.GetProperty("function").GetProperty("parameters").GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
    }

    [Fact]
    public async Task OpenAI_client_sends_each_request_with_its_own_model()
    {
        await using var server = await LoopbackHttpServer.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await LoopbackHttpServer.WriteAndFlushAsync(context, Chunk("""{"content":"ok"}""") + "data: [DONE]\n\n");
        });
        using var services = Provider(("OpenAI:ApiKey", "sk-test"), ("OpenAI:ChatBaseUrl", server.BaseUrl + "v1"));
        var chat = services.GetRequiredKeyedService<IChatClient>(LanguageModelProviders.OpenAI);

        await CollectAsync(chat, new ChatOptions { ModelId = "gpt-4o-mini" }, null);
        await CollectAsync(chat, new ChatOptions { ModelId = "gpt-4.1" }, null);

        Assert.Equal(["gpt-4o-mini", "gpt-4.1"], server.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("model").GetString()));
    }

    [Fact]
    public async Task Azure_OpenAI_uses_the_v1_path_the_deployment_and_the_api_key_header()
    {
        await using var server = await LoopbackHttpServer.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await LoopbackHttpServer.WriteAndFlushAsync(context, Chunk("""{"content":"Bonjour"}""") + "data: [DONE]\n\n");
        });
        using var services = Provider(("AzureOpenAI:Endpoint", server.BaseUrl.ToString()), ("AzureOpenAI:ApiKey", "azure-key"));
        var chat = services.GetRequiredKeyedService<IChatClient>(LanguageModelProviders.AzureOpenAI);

        var (text, _, _) = await CollectAsync(chat, new ChatOptions { ModelId = "my-gpt-4o-mini" }, null);

        Assert.Equal("Bonjour", text);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/openai/v1/chat/completions", request.PathAndQuery);
        Assert.Equal("azure-key", request.Headers["api-key"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.Equal("my-gpt-4o-mini", JsonDocument.Parse(request.Body).RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Anthropic_streams_messages_events_into_text_and_tool_use()
    {
        var firstTextSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackHttpServer.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await LoopbackHttpServer.WriteAndFlushAsync(context,
                Event("message_start", """{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}""")
                + Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""")
                + Event("ping", """{"type":"ping"}""")
                + Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}"""));
            await firstTextSeen.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await LoopbackHttpServer.WriteAndFlushAsync(context,
                Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there."}}""")
                + Event("content_block_stop", """{"type":"content_block_stop","index":0}""")
                + Event("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{}}}""")
                + Event("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": "}}""")
                + Event("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}}""")
                + Event("content_block_stop", """{"type":"content_block_stop","index":1}""")
                + Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":32}}""")
                + Event("message_stop", """{"type":"message_stop"}"""));
        });
        using var services = Provider(("Anthropic:ApiKey", "sk-ant-test"), ("Anthropic:BaseUrl", server.BaseUrl.ToString()));
        var chat = services.GetRequiredKeyedService<IChatClient>(LanguageModelProviders.Anthropic);

        var (text, calls, updates) = await CollectAsync(
            chat, new ChatOptions { ModelId = "claude-sonnet-4-5", MaxOutputTokens = 300, Tools = [WeatherTool] }, firstTextSeen);

        Assert.Equal("Hello there.", text);
        var call = Assert.Single(calls);
        Assert.Equal("toolu_01A", call.CallId);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]!.ToString());
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.ToolCalls);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/messages", request.PathAndQuery);
        Assert.Equal("sk-ant-test", request.Headers["x-api-key"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        // The SDK pins the API version it was generated for (a date such as 2023-06-01).
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", request.Headers["anthropic-version"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.True(body.RootElement.GetProperty("stream").GetBoolean());
        Assert.Equal("claude-sonnet-4-5", body.RootElement.GetProperty("model").GetString());
        Assert.Equal(300, body.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.Contains("phone agent", body.RootElement.GetProperty("system").ToString());
        var message = Assert.Single(body.RootElement.GetProperty("messages").EnumerateArray());
        Assert.Equal("user", message.GetProperty("role").GetString());
        var tool = Assert.Single(body.RootElement.GetProperty("tools").EnumerateArray());
        Assert.Equal("get_weather", tool.GetProperty("name").GetString());
        Assert.Equal("object", tool.GetProperty("input_schema").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Ollama_streams_ndjson_chat_lines_into_text_and_tool_calls()
    {
        var firstTextSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackHttpServer.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "application/x-ndjson";
            await LoopbackHttpServer.WriteAndFlushAsync(context,
                """{"model":"llama3.2","created_at":"2026-12-05T08:52:19.385406Z","message":{"role":"assistant","content":"Hello"},"done":false}""" + "\n");
            await firstTextSeen.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await LoopbackHttpServer.WriteAndFlushAsync(context,
                """{"model":"llama3.2","created_at":"2026-12-05T08:52:19.405406Z","message":{"role":"assistant","content":" there."},"done":false}""" + "\n"
                + """{"model":"llama3.2","created_at":"2026-12-05T08:52:19.505406Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris"}}}]},"done":false}""" + "\n"
                + """{"model":"llama3.2","created_at":"2026-12-05T08:52:19.605406Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":12,"eval_duration":4535599000}""" + "\n");
        });
        using var services = Provider(("Ollama:BaseUrl", server.BaseUrl.ToString()));
        var chat = services.GetRequiredKeyedService<IChatClient>(LanguageModelProviders.Ollama);

        var (text, calls, _) = await CollectAsync(chat, new ChatOptions { ModelId = "llama3.2", Tools = [WeatherTool] }, firstTextSeen);

        Assert.Equal("Hello there.", text);
        var call = Assert.Single(calls);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]!.ToString());
        var request = Assert.Single(server.Requests);
        Assert.Equal("/api/chat", request.PathAndQuery);
        using var body = JsonDocument.Parse(request.Body);
        Assert.True(body.RootElement.GetProperty("stream").GetBoolean());
        Assert.Equal("llama3.2", body.RootElement.GetProperty("model").GetString());
        Assert.Equal(2, body.RootElement.GetProperty("messages").GetArrayLength());
        var tool = Assert.Single(body.RootElement.GetProperty("tools").EnumerateArray());
        Assert.Equal("get_weather", tool.GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public void Only_configured_providers_are_registered()
    {
        using var none = Provider();
        Assert.Null(none.GetKeyedService<IChatClient>(LanguageModelProviders.OpenAI));
        Assert.Null(none.GetKeyedService<IChatClient>(LanguageModelProviders.AzureOpenAI));
        Assert.Null(none.GetKeyedService<IChatClient>(LanguageModelProviders.Anthropic));
        Assert.Null(none.GetKeyedService<IChatClient>(LanguageModelProviders.Ollama));

        using var ollamaByAgent = Provider(("Agent:Cascaded:Llm", "ollama"));
        Assert.NotNull(ollamaByAgent.GetKeyedService<IChatClient>(LanguageModelProviders.Ollama));
        Assert.Null(ollamaByAgent.GetKeyedService<IChatClient>(LanguageModelProviders.OpenAI));
    }

    [Fact]
    public void A_base_url_that_is_not_absolute_fails_at_registration()
    {
        var error = Assert.Throws<FormatException>(() => Provider(("Anthropic:ApiKey", "k"), ("Anthropic:BaseUrl", "api.anthropic.com")));
        Assert.Contains("Anthropic:BaseUrl", error.Message);
    }

    private static ServiceProvider Provider(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new ServiceCollection().AddLanguageModels(configuration).BuildServiceProvider();
    }

    private static async Task<(string Text, List<FunctionCallContent> Calls, List<ChatResponseUpdate> Updates)> CollectAsync(
        IChatClient chat, ChatOptions options, TaskCompletionSource? firstTextSeen)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync(Conversation, options, timeout.Token))
        {
            updates.Add(update);
            if (update.Text.Length > 0)
            {
                firstTextSeen?.TrySetResult();
            }
        }

        return (string.Concat(updates.Select(u => u.Text)), updates.SelectMany(u => u.Contents.OfType<FunctionCallContent>()).ToList(), updates);
    }

    private static string Chunk(string delta) =>
        $"data: {{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1733400000,\"model\":\"gpt-4.1-mini\",\"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":null}}]}}\n\n";

    private static string Event(string name, string json) => $"event: {name}\ndata: {json}\n\n";
}
