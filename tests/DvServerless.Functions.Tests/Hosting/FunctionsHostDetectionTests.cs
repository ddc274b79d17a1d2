using DvServerless.Functions.Hosting;

namespace DvServerless.Functions.Tests.Hosting;

public sealed class FunctionsHostDetectionTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void The_hosts_command_line_means_functions_mode()
    {
        // What the Functions host passes (host src RpcWorkerContext), and the '=' form.
        string[] args = ["--host", "127.0.0.1", "--port", "5000", "--workerId", "w", "--requestId", "r", "--grpcMaxMessageLength", "2147483647",
            "--functions-uri", "http://127.0.0.1:5000/", "--functions-worker-id", "w", "--functions-request-id", "r"];

        Assert.True(FunctionsHostDetection.IsUnderFunctionsHost(args, NoEnvironment));
        Assert.True(FunctionsHostDetection.IsUnderFunctionsHost(["--functions-uri=http://127.0.0.1:5000/"], NoEnvironment));
    }

    [Fact]
    public void The_environment_form_means_functions_mode()
    {
        Assert.True(FunctionsHostDetection.IsUnderFunctionsHost([], name => name == "Functions__Worker__HostEndpoint" ? "http://127.0.0.1:5000/" : null));
    }

    [Theory]
    [InlineData]
    [InlineData("--urls", "http://127.0.0.1:7071")]
    [InlineData("--FUNCTIONS_CUSTOMHANDLER_PORT=7071")]
    public void Anything_else_is_standalone(params string[] args)
    {
        // FUNCTIONS_WORKER_RUNTIME is set by local settings files and absent on Flex: it is no signal.
        Assert.False(FunctionsHostDetection.IsUnderFunctionsHost(args, name => name == "FUNCTIONS_WORKER_RUNTIME" ? "dotnet-isolated" : null));
    }
}
