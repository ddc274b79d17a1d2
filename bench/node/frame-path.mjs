// The Node peer of bench/DvServerless.Benchmarks/Frames/FramePathBenchmarks.cs: the same two per-frame paths on the
// same wire frames (written by `DvServerless.Benchmarks --write-frames DIR`), written as plain Node code would be:
// JSON.parse, Buffer base64, the resampler port, a small playout queue, JSON.stringify.
//   caller: ACS AudioData -> PCM -> resample to 24 kHz for a 16 kHz leg -> Realtime input_audio_buffer.append
//   agent:  Realtime response.output_audio.delta -> PCM -> resample -> 20 ms playout frame -> ACS AudioData
// Usage: node --expose-gc --max-semi-space-size=64 frame-path.mjs FRAMES_DIR  (prints one JSON line per case)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { PcmResampler } from './pcm-resampler.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node frame-path.mjs FRAMES_DIR');
  process.exit(2);
}

const TIMED_FRAMES = Number(process.env.FRAMES ?? 200_000);
const ALLOCATION_FRAMES = 2_000;
let gcCount = 0;
new PerformanceObserver((list) => { gcCount += list.getEntries().length; }).observe({ entryTypes: ['gc'] });

function callerPath(legRate) {
  const frame = readFileSync(join(dir, `acs-inbound-${legRate}.json`));
  const resampler = legRate === 24_000 ? null : new PcmResampler(legRate, 24_000);
  return () => {
    const message = JSON.parse(frame.toString('utf8'));
    let pcm = Buffer.from(message.audioData.data, 'base64');
    if (resampler) pcm = resampler.process(pcm);
    return JSON.stringify({ type: 'input_audio_buffer.append', audio: pcm.toString('base64') }).length;
  };
}

function agentPath(legRate) {
  const frame = readFileSync(join(dir, 'realtime-delta.json'));
  const resampler = legRate === 24_000 ? null : new PcmResampler(24_000, legRate);
  const frameBytes = legRate / 50 * 2;
  let pending = Buffer.alloc(0);
  return () => {
    const event = JSON.parse(frame.toString('utf8'));
    let pcm = Buffer.from(event.delta, 'base64');
    if (resampler) pcm = resampler.process(pcm);
    pending = pending.length === 0 ? pcm : Buffer.concat([pending, pcm]);
    const out = pending.subarray(0, frameBytes);
    pending = pending.subarray(frameBytes);
    return JSON.stringify({ Kind: 'AudioData', AudioData: { Data: out.toString('base64') }, StopAudio: null }).length;
  };
}

function heapBytes() {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

async function measure(direction, legRate, path) {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += path(); // warm-up: let the JIT optimise

  const start = process.hrtime.bigint();
  for (let i = 0; i < TIMED_FRAMES; i++) sink += path();
  const ns = Number(process.hrtime.bigint() - start) / TIMED_FRAMES;

  // Bytes per frame: heap + array buffers grown over a batch small enough to run without a collection (checked).
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 50)); // let the observer report that collection first
  const gcBefore = gcCount;
  const before = heapBytes();
  for (let i = 0; i < ALLOCATION_FRAMES; i++) sink += path();
  const bytes = (heapBytes() - before) / ALLOCATION_FRAMES;
  await new Promise((resolve) => setTimeout(resolve, 50)); // gc entries are delivered asynchronously
  const collected = gcCount > gcBefore;

  console.log(JSON.stringify({ direction, legRate, nsPerFrame: ns, bytesPerFrame: bytes, bytesLowerBound: collected, sink: sink > 0 }));
}

for (const legRate of [24_000, 16_000]) {
  await measure('caller', legRate, callerPath(legRate));
  await measure('agent', legRate, agentPath(legRate));
}
