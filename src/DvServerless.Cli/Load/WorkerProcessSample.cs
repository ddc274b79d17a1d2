namespace DvServerless.Cli.Load;

/// <summary>What the operating system says of the worker process at one moment.</summary>
/// <param name="Cpu">CPU time used since it started.</param>
/// <param name="RssBytes">Resident memory.</param>
/// <param name="Threads">OS threads.</param>
public sealed record WorkerProcessSample(TimeSpan Cpu, long RssBytes, int Threads);
