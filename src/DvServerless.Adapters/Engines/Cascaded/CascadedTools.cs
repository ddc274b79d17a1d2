using System.Text.Json;
using DvServerless.Core.Engines;
using Microsoft.Extensions.AI;

namespace DvServerless.Adapters.Engines.Cascaded;

/// <summary>
/// The agent's tools as a language model takes them: declarations only (the call loop's tool runner carries the calls
/// out), made from the one <see cref="AgentTool"/> definition every engine declares.
/// </summary>
public static class CascadedTools
{
    /// <summary>The name of the tool that ends the call (the call loop hangs up once the goodbye has played).</summary>
    public const string EndCallName = AgentTools.EndCallName;

    /// <summary><c>end_call</c>, declared when the agent lists no tools of its own.</summary>
    public static AIFunctionDeclaration EndCall { get; } = Declare(AgentTools.EndCall);

    /// <summary><paramref name="tool"/> as a function declaration for an <see cref="IChatClient"/>.</summary>
    public static AIFunctionDeclaration Declare(AgentTool tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        using var schema = JsonDocument.Parse(tool.ParametersJsonSchema);
        return AIFunctionFactory.CreateDeclaration(tool.Name, tool.Description, schema.RootElement.Clone());
    }

    /// <summary>
    /// What a cascaded agent declares: the agent's tools (the worker fills them from the tools it can run; <c>end_call</c>
    /// when there are none), then the extra ones declared in code, each name once.
    /// </summary>
    public static IList<AITool> For(AgentOptions agent, IEnumerable<AITool> extra)
    {
        ArgumentNullException.ThrowIfNull(agent);
        IEnumerable<AITool> declared = agent.Tools.Count > 0 ? agent.Tools.Select(Declare) : [EndCall];
        return declared.Concat(extra).DistinctBy(t => t.Name, StringComparer.Ordinal).ToList();
    }
}
