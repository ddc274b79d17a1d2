namespace DvServerless.Core.Voices;

/// <summary>The speaker's consent to cloning their voice: who agreed, and when.</summary>
public sealed record VoiceConsent(string By, DateTimeOffset At);
