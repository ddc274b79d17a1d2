// PCM16 mono resampling between 8, 16 and 24 kHz for the Node peer of the frame-path benchmark: the same design as
// src/DvServerless.Core/Audio/PcmResampler.cs (Kaiser-windowed sinc, beta 5.65, cut at 85 % of the lower Nyquist
// frequency, polyphase, 16 taps per phase up and 16*M/L down), written as plain JavaScript on typed arrays.

const KAISER_BETA = 5.65;
const CUTOFF_FRACTION = 0.85;
const TAP_ALIGNMENT = 8;

function gcd(a, b) {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function besselI0(x) {
  let sum = 1;
  let term = 1;
  const half = x / 2;
  for (let k = 1; k < 50; k++) {
    term *= (half / k) * (half / k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

function designPolyphaseFilter(up, down, taps) {
  const length = up * taps;
  const cutoff = CUTOFF_FRACTION / Math.max(up, down);
  const center = (length - 1) / 2;
  const prototype = new Float64Array(length);
  const besselBeta = besselI0(KAISER_BETA);
  for (let j = 0; j < length; j++) {
    const x = j - center;
    const sinc = x === 0 ? cutoff : Math.sin(Math.PI * cutoff * x) / (Math.PI * x);
    const ratio = x / (center + 0.5);
    prototype[j] = sinc * besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - ratio * ratio))) / besselBeta;
  }
  const coefficients = new Float32Array(length);
  for (let phase = 0; phase < up; phase++) {
    let sum = 0;
    for (let i = 0; i < taps; i++) sum += prototype[phase + i * up];
    for (let i = 0; i < taps; i++) coefficients[phase * taps + (taps - 1 - i)] = prototype[phase + i * up] / sum;
  }
  return coefficients;
}

export class PcmResampler {
  constructor(inputRate, outputRate) {
    const divisor = gcd(inputRate, outputRate);
    this.up = outputRate / divisor;
    this.down = inputRate / divisor;
    const tapsPerPhase = 16 * Math.max(1, Math.floor((this.down + this.up - 1) / this.up));
    this.taps = Math.ceil(tapsPerPhase / TAP_ALIGNMENT) * TAP_ALIGNMENT;
    this.coefficients = designPolyphaseFilter(this.up, this.down, this.taps);
    this.history = new Float32Array(this.taps - 1);
    this.nextInput = 0;
    this.phase = 0;
  }

  /** Resamples a Buffer of PCM16 little-endian samples; returns a new Buffer. */
  process(input) {
    const count = input.length >> 1;
    const samples = input.byteOffset % 2 === 0
      ? new Int16Array(input.buffer, input.byteOffset, count)
      : new Int16Array(Uint8Array.from(input).buffer, 0, count);
    const historyLength = this.taps - 1;
    const window = new Float32Array(historyLength + count);
    window.set(this.history);
    for (let i = 0; i < count; i++) window[historyLength + i] = samples[i];

    const start = this.nextInput * this.up + this.phase;
    const end = count * this.up;
    const outputs = end <= start ? 0 : Math.ceil((end - start) / this.down);
    const output = new Int16Array(outputs);
    const { taps, up, down, coefficients } = this;
    let position = this.nextInput;
    let phase = this.phase;
    for (let k = 0; k < outputs; k++) {
      let sum = 0;
      const base = phase * taps;
      for (let t = 0; t < taps; t++) sum += coefficients[base + t] * window[position + t];
      output[k] = Math.max(-32768, Math.min(32767, Math.round(sum)));
      const next = phase + down;
      position += (next / up) | 0;
      phase = next % up;
    }
    this.nextInput = position - count;
    this.phase = phase;
    this.history.set(window.subarray(count, count + historyLength));
    return Buffer.from(output.buffer, output.byteOffset, output.byteLength);
  }
}
