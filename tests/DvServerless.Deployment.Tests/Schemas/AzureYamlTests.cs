using System.Text.Json;
using DvServerless.Testing;

namespace DvServerless.Deployment.Tests.Schemas;

/// <summary>
/// <c>azure.yaml</c> is valid against the azd v1.0 schema (the copy in infra/schemas) and describes the deployment the
/// infrastructure expects: the services Bicep tags, the paths they build from, and the postdeploy hook.
/// </summary>
public sealed class AzureYamlTests
{
    private static string Root => RepositoryPaths.RequireRoot();

    private static JsonSchemaValidator LoadSchema()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "infra", "schemas", "azure.yaml.json")));
        return new JsonSchemaValidator(document.RootElement.Clone());
    }

    private static JsonElement LoadAzureYaml() => YamlJson.Parse(File.ReadAllText(Path.Combine(Root, "azure.yaml")));

    [Fact]
    public void AzureYamlMatchesTheAzdSchema()
    {
        var validator = LoadSchema();

        var errors = validator.Validate(LoadAzureYaml());

        Assert.Empty(errors);
        Assert.Empty(validator.UncheckedReferences);  // no part of our file depends on a schema not kept here
    }

    [Theory]
    [InlineData("services:\n  functions:\n    project: ./src/DvServerless.Functions\n    language: dotnet\n", "missing required 'host'")]
    [InlineData("services:\n  functions:\n    project: x\n    host: function\n    docker:\n      path: ./Dockerfile\n", "$.services.functions.docker")]
    [InlineData("services:\n  w:\n    project: x\n    host: containerapp\n    docker:\n      remotebuild: true\n", "unknown property")]
    [InlineData("hooks:\n  postdeploy:\n    shell: bash\n    run: x.sh\n", "$.hooks.postdeploy: matches none of anyOf")]
    [InlineData("services:\n  w:\n    host: containerapp\n", "matches none of anyOf")]
    public void TheValidatorRejectsWhatAzdRejects(string body, string expected)
    {
        var errors = LoadSchema().Validate(YamlJson.Parse("name: dvserverless\n" + body));

        Assert.Contains(errors, error => error.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void FunctionsServiceIsTheDotnetFlexApp()
    {
        var functions = LoadAzureYaml().GetProperty("services").GetProperty("functions");

        Assert.Equal("function", functions.GetProperty("host").GetString());
        Assert.Equal("dotnet", functions.GetProperty("language").GetString());
        var project = Path.GetFullPath(Path.Combine(Root, functions.GetProperty("project").GetString()!));
        Assert.True(File.Exists(Path.Combine(project, "DvServerless.Functions.csproj")), project);
        // What deploys is azd's own `dotnet publish -c Release` output, the output the packaging tests check: no `dist`
        // folder and no package hook that would swap in another build.
        Assert.False(functions.TryGetProperty("dist", out _), "services.functions.dist would deploy another folder");
        if (functions.TryGetProperty("hooks", out var hooks))
        {
            Assert.False(hooks.TryGetProperty("prepackage", out _), "a prepackage hook would build a package the tests do not check");
            Assert.False(hooks.TryGetProperty("postpackage", out _), "a postpackage hook would change the package the tests check");
        }
    }

    [Fact]
    public void MediaWorkerServiceBuildsItsDockerfileRemotelyFromTheRepositoryRoot()
    {
        var worker = LoadAzureYaml().GetProperty("services").GetProperty("mediaworker");

        Assert.Equal("containerapp", worker.GetProperty("host").GetString());
        Assert.Equal("docker", worker.GetProperty("language").GetString());
        var project = Path.GetFullPath(Path.Combine(Root, worker.GetProperty("project").GetString()!));
        var docker = worker.GetProperty("docker");
        Assert.True(docker.GetProperty("remoteBuild").GetBoolean());
        Assert.True(File.Exists(Path.Combine(project, docker.GetProperty("path").GetString()!)));
        var context = Path.GetFullPath(Path.Combine(project, docker.GetProperty("context").GetString()!));
        Assert.Equal(Path.TrimEndingDirectorySeparator(Root), Path.TrimEndingDirectorySeparator(context));
    }

    [Fact]
    public void InfraAndPostdeployHookPointAtFilesThatExist()
    {
        var azureYaml = LoadAzureYaml();

        var infra = azureYaml.GetProperty("infra");
        Assert.Equal("bicep", infra.GetProperty("provider").GetString());
        Assert.True(File.Exists(Path.Combine(Root, infra.GetProperty("path").GetString()!, "main.bicep")));
        Assert.True(File.Exists(Path.Combine(Root, infra.GetProperty("path").GetString()!, "main.parameters.json")));
        var postdeploy = azureYaml.GetProperty("hooks").GetProperty("postdeploy");
        var posix = Path.Combine(Root, postdeploy.GetProperty("posix").GetProperty("run").GetString()!);
        var windows = Path.Combine(Root, postdeploy.GetProperty("windows").GetProperty("run").GetString()!);
        Assert.True(File.Exists(posix), posix);
        Assert.True(File.Exists(windows), windows);
        Assert.NotEqual(UnixFileMode.None, File.GetUnixFileMode(posix) & UnixFileMode.UserExecute);
    }

    [Fact]
    public void ParametersFileMapsTheAzdVariablesMainBicepDeclares()
    {
        using var parameters = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "infra", "main.parameters.json")));
        var values = parameters.RootElement.GetProperty("parameters");

        Assert.Equal("${AZURE_ENV_NAME}", values.GetProperty("environmentName").GetProperty("value").GetString());
        Assert.Equal("${AZURE_LOCATION}", values.GetProperty("location").GetProperty("value").GetString());
        Assert.StartsWith("${AZURE_PRINCIPAL_ID", values.GetProperty("principalId").GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("${SERVICE_MEDIAWORKER_RESOURCE_EXISTS", values.GetProperty("mediaworkerExists").GetProperty("value").GetString(), StringComparison.Ordinal);
        var bicep = File.ReadAllText(Path.Combine(Root, "infra", "main.bicep"));
        foreach (var parameter in values.EnumerateObject())
        {
            Assert.Contains($"param {parameter.Name} ", bicep, StringComparison.Ordinal);
        }
    }
}
