using DvServerless.Core.Audio;

namespace DvServerless.Simulators.Acs;

/// <summary>The validated <c>mediaStreamingOptions</c> of an answer request; <c>enableDtmfTones</c> decides whether DtmfData is streamed.</summary>
internal sealed record MediaStreamingSettings(Uri TransportUrl, AudioFormat Format, bool StartMediaStreaming, bool EnableBidirectional, string AudioChannelType,
    bool EnableDtmfTones = false);

/// <summary>The validated answer request.</summary>
internal sealed record AnswerSettings(Uri CallbackUri, string? OperationContext, MediaStreamingSettings? Media);
