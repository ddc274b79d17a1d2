using DvServerless.Functions;
using DvServerless.Functions.Hosting;

if (FunctionsHostDetection.IsUnderFunctionsHost(args, Environment.GetEnvironmentVariable))
{
    FunctionsApp.BuildForFunctionsHost(args).Run();
}
else
{
    FunctionsApp.Build(args).Run();
}

/// <summary>The entry point (a partial class, so <c>WebApplicationFactory&lt;Program&gt;</c> can find it).</summary>
public partial class Program;
