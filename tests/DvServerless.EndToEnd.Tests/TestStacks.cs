using DvServerless.Cli.LocalStack;
using DvServerless.Testing;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// The local stack as the end-to-end tests start it: the simulated caller says <c>utterances</c> (the Realtime simulator
/// hears them as its transcripts) and the simulated agent answers with <c>reply</c>; no greeting (a scripted caller would
/// talk over it), never a real engine whatever the environment holds, tools found from the repository. A test adds
/// what it needs with <c>with { … }</c>.
/// </summary>
internal static class TestStacks
{
    /// <summary>The options every end-to-end stack starts from.</summary>
    public static LocalStackOptions Options(IReadOnlyList<string> utterances, Func<int, string, string> reply) => new()
    {
        CallerTranscripts = utterances,
        AgentReply = reply,
        Greeting = string.Empty,
        Environment = new Dictionary<string, string?>(),
        ToolsSearchRoot = RepositoryPaths.Root,
    };

    /// <summary>Re-checks <paramref name="condition"/> (a stored state the test observes) every 100 ms until it holds.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (!await condition())
        {
            await Task.Delay(100, cancellationToken);
        }
    }
}
