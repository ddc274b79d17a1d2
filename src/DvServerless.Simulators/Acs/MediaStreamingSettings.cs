using DvServerless.Core.Audio;

namespace DvServerless.Simulators.Acs;

/// <summary>The validated <c>mediaStreamingOptions</c> of an answer request.</summary>
internal sealed record MediaStreamingSettings(Uri TransportUrl, AudioFormat Format, bool StartMediaStreaming, bool EnableBidirectional, string AudioChannelType);

/// <summary>The validated answer request.</summary>
internal sealed record AnswerSettings(Uri CallbackUri, string? OperationContext, MediaStreamingSettings? Media);
