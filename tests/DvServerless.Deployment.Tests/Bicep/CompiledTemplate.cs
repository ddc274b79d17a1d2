using DvServerless.Testing;
using System.Text.Json.Nodes;

namespace DvServerless.Deployment.Tests.Bicep;

/// <summary>
/// <c>infra/main.bicep</c> compiled to an ARM template once per test run (<c>bicep build --stdout</c>), with the build's
/// diagnostics. Shared by the build and posture tests.
/// </summary>
public sealed class CompiledTemplate
{
    private static readonly Lazy<Task<CompiledTemplate>> MainValue = new(BuildMainAsync);

    private CompiledTemplate(ExternalCommandResult build, JsonObject? template)
    {
        Build = build;
        Template = template;
    }

    /// <summary>The build run (exit code, output).</summary>
    public ExternalCommandResult Build { get; }

    /// <summary>The ARM template, or null when the build failed.</summary>
    public JsonObject? Template { get; }

    /// <summary>The compiled <c>infra/main.bicep</c>.</summary>
    public static Task<CompiledTemplate> MainAsync() => MainValue.Value;

    /// <summary>The template, failing the test with the build output when the build failed.</summary>
    public JsonObject RequireTemplate() =>
        Template ?? throw new InvalidOperationException($"bicep build failed ({Build.ExitCode}):\n{Build.StandardError}");

    private static async Task<CompiledTemplate> BuildMainAsync()
    {
        var result = await BicepCli.RunAsync("build", "infra/main.bicep", "--stdout");
        JsonObject? template = null;
        if (result.ExitCode == 0)
        {
            template = JsonNode.Parse(result.StandardOutput)?.AsObject();
        }

        return new CompiledTemplate(result, template);
    }
}
