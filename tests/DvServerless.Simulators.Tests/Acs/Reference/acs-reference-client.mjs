// Drives the ACS simulator with the official Call Automation SDK (npm @azure/communication-call-automation 1.6.0), the
// reference client of PROTOCOL.md §6: answer with bidirectional media streaming, play text, then hang up for everyone.
// Input: DVS_ACS_CONNECTION_STRING, DVS_INCOMING_CALL_CONTEXT, DVS_CALLBACK_URL, DVS_TRANSPORT_URL.
// Output: one JSON line per operation on stdout; exit code 1 with the error on stderr when an operation fails.
import { CallAutomationClient } from "@azure/communication-call-automation";

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
};

// A plain-http loopback endpoint needs allowInsecureConnection (PROTOCOL.md §6).
const client = new CallAutomationClient(env("DVS_ACS_CONNECTION_STRING"), { allowInsecureConnection: true });
try {
  const answered = await client.answerCall(env("DVS_INCOMING_CALL_CONTEXT"), env("DVS_CALLBACK_URL"), {
    mediaStreamingOptions: {
      transportUrl: env("DVS_TRANSPORT_URL"),
      transportType: "websocket",
      contentType: "audio",
      audioChannelType: "mixed",
      startMediaStreaming: false,
      enableBidirectional: true,
      audioFormat: "pcm24KMono",
    },
  });
  const id = answered.callConnectionProperties.callConnectionId;
  console.log(JSON.stringify({ op: "answer", callConnectionId: id, state: answered.callConnectionProperties.callConnectionState }));

  const connection = client.getCallConnection(id);
  await connection.getCallMedia().playToAll([{ kind: "textSource", text: "Hello from the reference client.", voiceName: "en-US-JennyNeural" }]);
  console.log(JSON.stringify({ op: "play" }));

  await connection.hangUp(true);
  console.log(JSON.stringify({ op: "terminate" }));
} catch (error) {
  console.error(`${error.name}: ${error.statusCode ?? ""} ${error.message}`);
  process.exit(1);
}
