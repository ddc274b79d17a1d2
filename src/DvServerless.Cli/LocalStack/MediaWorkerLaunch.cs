namespace DvServerless.Cli.LocalStack;

/// <summary>
/// What <see cref="LocalStackOptions.MediaWorkerLauncher"/> gets to start the media worker outside the stack's process:
/// the worker's settings (configuration keys such as <c>MediaWorker:TokenSigningKey</c>) and the URLs it must listen on.
/// </summary>
/// <param name="Settings">The worker's configuration, as the in-process worker would get it.</param>
/// <param name="Url">The public URL (media sockets, <c>/healthz</c>, <c>/readyz</c>).</param>
/// <param name="InternalUrl">The internal URL (<c>MediaWorker:InternalUrls</c>, also in <paramref name="Settings"/>).</param>
public sealed record MediaWorkerLaunch(IReadOnlyDictionary<string, string?> Settings, Uri Url, Uri InternalUrl);
