namespace DvServerless.Simulators.Acs;

/// <summary>
/// How a simulated transfer fails: after accepting the <c>:transferToParticipant</c> request (202), ACS posts
/// <c>Microsoft.Communication.CallTransferFailed</c> with this <c>resultInformation</c>, and the caller stays on the call
/// with the app (the call goes back to <c>connected</c>).
/// </summary>
/// <param name="Code">resultInformation.code (e.g. 400 or 500).</param>
/// <param name="SubCode">resultInformation.subCode.</param>
/// <param name="Message">resultInformation.message.</param>
public sealed record SimulatedTransferFailure(int Code, int SubCode, string Message);
