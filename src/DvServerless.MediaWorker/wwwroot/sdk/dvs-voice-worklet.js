// DvServerless voice client: the two AudioWorklet processors used by dvs-voice.js.
//
// dvs-capture: takes the microphone at the device rate, resamples it to 24 kHz, and posts 20 ms frames of PCM16LE
//   (480 samples, 960 bytes) to the main thread, with the frame's RMS level.
// dvs-playback: plays 24 kHz PCM16 pushed by the main thread from a ring buffer, without gaps while data is there;
//   "flush" empties it at once (the agent was interrupted). It reports how many samples it actually played.

const WIRE_RATE = 24000;
const FRAME_SAMPLES = 480; // 20 ms at 24 kHz

class DvsCaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    // Input samples advance by `step` wire samples each; `position` is where the next wire sample falls between the
    // previous input sample and the current one (linear interpolation).
    this.step = WIRE_RATE / sampleRate;
    this.ratio = sampleRate / WIRE_RATE;
    this.position = 0;
    this.previous = 0;
    this.frame = new Int16Array(FRAME_SAMPLES);
    this.filled = 0;
    this.sumSquares = 0;
    // A one-pole low-pass (corner ~8 kHz) before decimation keeps most aliasing out when the device runs at 44.1 or
    // 48 kHz; speech carries little above it.
    this.lowPassAlpha = sampleRate > WIRE_RATE ? 1 - Math.exp((-2 * Math.PI * 8000) / sampleRate) : 1;
    this.filtered = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0 || !channels[0]) {
      return true;
    }
    const input = channels[0];
    for (let i = 0; i < input.length; i++) {
      this.filtered += this.lowPassAlpha * (input[i] - this.filtered);
      const current = this.filtered;
      // Emit every wire sample whose time lies in (previous, current].
      while (this.position <= 1) {
        const value = this.previous + (current - this.previous) * this.position;
        this.push(value);
        this.position += this.ratio;
      }
      this.position -= 1;
      this.previous = current;
    }
    return true;
  }

  push(value) {
    const clamped = value > 1 ? 1 : value < -1 ? -1 : value;
    this.frame[this.filled++] = clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff;
    this.sumSquares += clamped * clamped;
    if (this.filled === FRAME_SAMPLES) {
      const pcm = this.frame;
      const level = Math.sqrt(this.sumSquares / FRAME_SAMPLES);
      this.port.postMessage({ type: 'frame', pcm: pcm.buffer, level }, [pcm.buffer]);
      this.frame = new Int16Array(FRAME_SAMPLES);
      this.filled = 0;
      this.sumSquares = 0;
    }
  }
}

class DvsPlaybackProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const seconds = (options && options.processorOptions && options.processorOptions.bufferSeconds) || 60;
    this.ring = new Float32Array(Math.max(1, Math.floor(WIRE_RATE * seconds)));
    this.read = 0;
    this.write = 0;
    this.count = 0;
    this.played = 0;
    this.dropped = 0;
    this.sumSquares = 0;
    this.reportEvery = Math.floor(sampleRate / 10); // ~100 ms
    this.sinceReport = 0;
    // The context runs at 24 kHz when the browser allows it; otherwise resample by stepping through the ring.
    this.ratio = WIRE_RATE / sampleRate;
    this.fraction = 0;
    // Latency hook: true while the ring is empty, so the first sample played after it ("started") can be timed.
    this.idle = true;
    this.port.onmessage = (event) => this.onMessage(event.data);
  }

  onMessage(message) {
    if (message.type === 'push') {
      const samples = new Int16Array(message.pcm);
      for (let i = 0; i < samples.length; i++) {
        if (this.count === this.ring.length) {
          this.dropped++;
          continue;
        }
        this.ring[this.write] = samples[i] / 0x8000;
        this.write = (this.write + 1) % this.ring.length;
        this.count++;
      }
    } else if (message.type === 'flush') {
      const flushed = this.count;
      this.read = this.write;
      this.count = 0;
      this.fraction = 0;
      this.idle = true;
      // `time` (context seconds) is when playback stopped: the next render quantum is silence.
      this.port.postMessage({ type: 'flushed', flushed, played: this.played, time: currentTime });
    }
  }

  process(_inputs, outputs) {
    const output = outputs[0];
    const out = output[0];
    for (let i = 0; i < out.length; i++) {
      let value = 0;
      if (this.count > 0) {
        if (this.idle) {
          // Latency hook: the context time of the first agent sample played after the ring was empty.
          this.idle = false;
          this.port.postMessage({ type: 'started', time: currentTime + i / sampleRate, played: this.played });
        }
        value = this.ring[this.read];
        this.fraction += this.ratio;
        while (this.fraction >= 1 && this.count > 0) {
          this.fraction -= 1;
          this.read = (this.read + 1) % this.ring.length;
          this.count--;
          this.played++;
        }
      }
      out[i] = value;
      this.sumSquares += value * value;
    }
    if (this.count === 0) {
      this.idle = true;
    }
    for (let c = 1; c < output.length; c++) {
      output[c].set(out);
    }
    this.sinceReport += out.length;
    if (this.sinceReport >= this.reportEvery) {
      const level = Math.sqrt(this.sumSquares / this.sinceReport);
      this.port.postMessage({ type: 'played', played: this.played, buffered: this.count, dropped: this.dropped, level });
      this.sinceReport = 0;
      this.sumSquares = 0;
    }
    return true;
  }
}

registerProcessor('dvs-capture', DvsCaptureProcessor);
registerProcessor('dvs-playback', DvsPlaybackProcessor);
