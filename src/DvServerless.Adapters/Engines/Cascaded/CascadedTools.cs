using System.Text.Json;
using Microsoft.Extensions.AI;

namespace DvServerless.Adapters.Engines.Cascaded;

/// <summary>The tools a cascaded agent declares to its language model by default.</summary>
public static class CascadedTools
{
    /// <summary>The name of the tool that ends the call (the call loop hangs up once the goodbye has played).</summary>
    public const string EndCallName = "end_call";

    /// <summary><c>end_call</c>: a declaration only; the call loop's tool runner carries it out.</summary>
    public static AIFunctionDeclaration EndCall { get; } = AIFunctionFactory.CreateDeclaration(
        EndCallName,
        "End the phone call. Call this after you have said goodbye, or when the caller asks to hang up.",
        JsonDocument.Parse("""
            {"type":"object","properties":{"reason":{"type":"string","description":"Why the call ends, in a few words."}},"required":[],"additionalProperties":false}
            """).RootElement.Clone());
}
