using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace DvServerless.Adapters.Acs;

/// <summary>
/// Signs each attempt of a request with the ACS access key (PROTOCOL.md §2.1). Added in the per-retry position so a
/// retried request gets a fresh <c>x-ms-date</c> and signature.
/// </summary>
public sealed class AcsHmacAuthenticationPolicy : HttpPipelinePolicy
{
    private readonly byte[] _key;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the policy for the decoded access key.</summary>
    public AcsHmacAuthenticationPolicy(AcsConnectionString connectionString, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        _key = connectionString.AccessKey;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        // With async: false the body is written synchronously, so the ValueTask has completed when it is returned.
        var contentHash = ReadBody(message, async: false, message.CancellationToken);
        Debug.Assert(contentHash.IsCompleted, "The synchronous path of ReadBody completes synchronously.");
        Sign(message, contentHash.Result);
        ProcessNext(message, pipeline);
    }

    /// <inheritdoc />
    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Sign(message, await ReadBody(message, async: true, message.CancellationToken).ConfigureAwait(false));
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
    }

    private void Sign(HttpMessage message, string contentHash)
    {
        var request = message.Request;
        var date = AcsRequestSigner.FormatDate(_timeProvider.GetUtcNow());
        var authorization = AcsRequestSigner.BuildAuthorization(_key, request.Method.Method, request.Uri.ToUri(), date, contentHash);
        request.Headers.SetValue("x-ms-date", date);
        request.Headers.SetValue("x-ms-content-sha256", contentHash);
        request.Headers.SetValue(HttpHeader.Names.Authorization, authorization);
    }

    private static async ValueTask<string> ReadBody(HttpMessage message, bool async, CancellationToken cancellationToken)
    {
        var content = message.Request.Content;
        if (content is null)
        {
            return AcsRequestSigner.EmptyContentHash;
        }

        // The hash must cover the exact bytes that go on the wire, so serialize the content as the transport will.
        using var buffer = new MemoryStream();
        if (async)
        {
            await content.WriteToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            content.WriteTo(buffer, cancellationToken);
        }

        return AcsRequestSigner.ComputeContentHash(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }
}
