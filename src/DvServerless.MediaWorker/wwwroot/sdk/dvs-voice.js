// DvServerless voice client: talk to a DvServerless agent from a web page.
//
//   import { ChatClient, VoiceEvents } from 'http://127.0.0.1:7073/sdk/dvs-voice.js';
//   const client = new ChatClient({ apiKey: '…' }, { apiBase: 'http://127.0.0.1:7071' });
//   client.on(VoiceEvents.ROBOT_MESSAGE, (e) => console.log('agent:', e.content));
//   const sessionId = await client.startVoiceChat({ userName: 'ada' });   // from a click: browsers start audio on a gesture
//   …
//   await client.stopVoiceChat();
//
// Credentials: { robotKey, robotToken } (Robot-Key / Robot-Token headers), { apiKey } (X-Api-Key, or exchanged once for a
// token at /api/v1/auth/token when options.exchangeApiKey is true, so the key is not sent again), or { token } (Bearer).
// Audio: the microphone is captured through an AudioWorklet at the device rate, resampled to 24 kHz PCM16 and sent in
// 20 ms binary frames; the agent's 24 kHz PCM16 is played from a worklet ring buffer that is flushed the moment an
// INTERRUPT arrives. No build step, no dependencies.

/** The events a ChatClient emits; 'ALL' listeners receive every one. */
export const VoiceEvents = Object.freeze({
  SESSION_CREATED: 'SESSION_CREATED',
  USER_MESSAGE: 'USER_MESSAGE',
  ROBOT_MESSAGE: 'ROBOT_MESSAGE',
  INTERRUPT: 'INTERRUPT',
  SESSION_ENDED: 'SESSION_ENDED',
  ERROR: 'ERROR',
  FLOW_DEBUG: 'FLOW_DEBUG',
  AUDIO_LEVEL: 'AUDIO_LEVEL',
  ALL: 'ALL',
});

/** Error codes carried by ERROR events and thrown VoiceClientErrors (besides HTTP_<status>). */
export const VoiceErrorCodes = Object.freeze({
  NETWORK: 'NETWORK',
  SOCKET_ERROR: 'SOCKET_ERROR',
  STREAM_PARSE: 'STREAM_PARSE',
});

/** An error of the voice client: code is HTTP_<status>, NETWORK, SOCKET_ERROR or STREAM_PARSE. */
export class VoiceClientError extends Error {
  constructor(code, message, details) {
    super(message);
    this.name = 'VoiceClientError';
    this.code = code;
    this.details = details;
  }
}

const WIRE_RATE = 24000;
const MAX_TEXT_BYTES = 4096;
const LEVEL_INTERVAL_MS = 100;
const SERVER_EVENTS = new Set(['SESSION_CREATED', 'USER_MESSAGE', 'ROBOT_MESSAGE', 'INTERRUPT', 'SESSION_ENDED', 'ERROR', 'FLOW_DEBUG']);

/** A voice chat with a DvServerless agent over the browser leg (one session at a time). */
export class ChatClient {
  /**
   * @param {{robotKey?:string, robotToken?:string, apiKey?:string, token?:string}} credentials
   * @param {{apiBase?:string, debug?:boolean, exchangeApiKey?:boolean, microphone?:boolean, playback?:boolean,
   *          audioConstraints?:MediaTrackConstraints, workletUrl?:string, fetch?:typeof fetch}} [options]
   */
  constructor(credentials, options = {}) {
    if (!credentials || typeof credentials !== 'object') {
      throw new TypeError('ChatClient needs credentials: {robotKey, robotToken}, {apiKey} or {token}.');
    }
    const { robotKey, robotToken, apiKey, token } = credentials;
    if (!(robotKey && robotToken) && !apiKey && !token) {
      throw new TypeError('ChatClient needs credentials: {robotKey, robotToken}, {apiKey} or {token}.');
    }
    this._credentials = { robotKey, robotToken, apiKey, token };
    this._apiBase = String(options.apiBase || (typeof location !== 'undefined' ? location.origin : '')).replace(/\/+$/, '');
    this._debug = Boolean(options.debug);
    this._exchangeApiKey = Boolean(options.exchangeApiKey);
    this._microphone = options.microphone !== false;
    this._playback = options.playback !== false;
    this._audioConstraints = options.audioConstraints || { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true };
    this._workletUrl = options.workletUrl || new URL('./dvs-voice-worklet.js', import.meta.url).href;
    this._fetch = options.fetch || globalThis.fetch.bind(globalThis);
    this._listeners = new Map();
    this._socket = null;
    this._sessionId = null;
    this._audioEnabled = true;
    this._ended = true;
    this._stats = { sentFrames: 0, sentBytes: 0, receivedBytes: 0, playedSamples: 0, bufferedSamples: 0, droppedSamples: 0, flushedSamples: 0 };
    this._timings = { playbackStarts: [], flushes: [] };
    this._lastMicLevelAt = 0;
    this._capture = null;
    this._player = null;
  }

  /** The current session id (room name), or null. */
  get sessionId() {
    return this._sessionId;
  }

  /** Whether the caller's audio is being sent. */
  get audioEnabled() {
    return this._audioEnabled;
  }

  /** Counters: frames and bytes sent, bytes received, agent samples actually played, buffered, dropped, flushed. */
  get stats() {
    return { ...this._stats };
  }

  /**
   * Latency hook (measurement, not control): page times (performance.now() milliseconds) of the first agent sample the
   * playback worklet played after its ring buffer was empty (playbackStarts: each ROBOT turn's first audio, and after a
   * flush) and of each flush (flushes: playback stopped by INTERRUPT or interrupt(), with the samples dropped). Times come
   * from the worklet's currentTime, mapped to the page clock with getOutputTimestamp(); the last 100 of each are kept.
   */
  get timings() {
    return { playbackStarts: this._timings.playbackStarts.map((t) => ({ ...t })), flushes: this._timings.flushes.map((t) => ({ ...t })) };
  }

  /** Adds a listener for one event type (see VoiceEvents), or 'ALL'. */
  on(event, listener) {
    if (typeof listener !== 'function') {
      throw new TypeError('listener must be a function');
    }
    if (!this._listeners.has(event)) {
      this._listeners.set(event, new Set());
    }
    this._listeners.get(event).add(listener);
    return this;
  }

  /** Removes a listener added with on(). */
  off(event, listener) {
    const set = this._listeners.get(event);
    if (set) {
      set.delete(listener);
    }
    return this;
  }

  /**
   * Starts a session: POST /api/v1/voice/start, microphone and speaker, then the media WebSocket. Call it from a user
   * gesture (a click) so the browser lets audio start. Resolves with the session id once the socket is open.
   */
  async startVoiceChat({ userName, welcome, maxDuration, expectedEngineId, segmentCode } = {}) {
    if (this._socket) {
      throw new Error('A voice chat is already running; call stopVoiceChat() first.');
    }
    // Audio contexts are created first, while the user gesture that called us is still current.
    if (this._playback) {
      await this._startPlayback();
    }
    try {
      const body = {};
      if (userName) body.user_name = userName;
      if (welcome) body.welcome = welcome;
      if (maxDuration) body.max_duration = maxDuration;
      if (expectedEngineId) body.expected_engine_id = expectedEngineId;
      if (segmentCode) body.segment_code = segmentCode;
      const started = await this._post('/api/v1/voice/start', body);
      const data = started && started.data;
      const params = data && data.rtc_info && data.rtc_info.params;
      if (!data || !data.room_name || !params || !params.url || !params.token) {
        throw this._fail(VoiceErrorCodes.STREAM_PARSE, 'The start answer has no room_name or rtc_info.params.{url, token}.');
      }
      this._sessionId = data.room_name;
      if (this._microphone) {
        await this._startCapture();
      }
      await this._openSocket(params.url, params.token);
      return this._sessionId;
    } catch (error) {
      const started = this._sessionId;
      await this._teardown();
      this._sessionId = null;
      if (started) {
        // The session exists but will never be joined (no microphone, no socket): end it rather than leave it ringing.
        await this._post('/api/v1/voice/stop', { room_name: started }, { quiet: true }).catch(() => undefined);
      }
      throw error;
    }
  }

  /** Ends the session: tells the worker (over the socket, else over REST) and releases the microphone. */
  async stopVoiceChat() {
    const sessionId = this._sessionId;
    if (!sessionId) {
      return;
    }
    if (this._socket && this._socket.readyState === WebSocket.OPEN) {
      this._socket.send(JSON.stringify({ type: 'stop' }));
      await this._waitForClose(3000);
    } else if (!this._ended) {
      await this._post('/api/v1/voice/stop', { room_name: sessionId }).catch(() => undefined);
    }
    await this._teardown();
  }

  /** Cuts the agent off: local playback stops at once and the worker is told. */
  async interrupt() {
    this._flushPlayback();
    if (this._socket && this._socket.readyState === WebSocket.OPEN) {
      this._socket.send(JSON.stringify({ type: 'interrupt' }));
    } else if (this._sessionId) {
      await this._post('/api/v1/voice/interrupt', { room_name: this._sessionId });
    }
  }

  /** Mutes (false) or unmutes (true) the caller; while muted no caller audio reaches the agent. */
  async setAudioEnabled(enabled) {
    this._audioEnabled = Boolean(enabled);
    if (this._socket && this._socket.readyState === WebSocket.OPEN) {
      this._socket.send(JSON.stringify({ type: 'audio', enabled: this._audioEnabled }));
    } else if (this._sessionId) {
      await this._post('/api/v1/voice/audio', { room_name: this._sessionId, enabled: this._audioEnabled });
    }
  }

  /** Sends a typed user message (at most 4 KiB of UTF-8). */
  sendText(text) {
    const value = String(text == null ? '' : text);
    if (!value.trim()) {
      throw new TypeError('sendText needs some text.');
    }
    const frame = JSON.stringify({ type: 'text', text: value });
    if (new TextEncoder().encode(frame).length > MAX_TEXT_BYTES) {
      throw new RangeError('The message is longer than 4 KiB.');
    }
    if (!this._socket || this._socket.readyState !== WebSocket.OPEN) {
      throw new Error('No voice chat is running.');
    }
    this._socket.send(frame);
  }

  // ---- REST ----

  async _authHeaders() {
    const c = this._credentials;
    if (c.robotKey && c.robotToken) {
      return { 'Robot-Key': c.robotKey, 'Robot-Token': c.robotToken };
    }
    if (c.apiKey && this._exchangeApiKey) {
      const issued = await this._request('/api/v1/auth/token', { apiKey: c.apiKey }, {});
      if (!issued || !issued.token) {
        throw this._fail(VoiceErrorCodes.STREAM_PARSE, 'The token answer has no token.');
      }
      // From now on the short-lived token stands for the key, which is forgotten.
      this._credentials = { token: issued.token };
      return { Authorization: `Bearer ${issued.token}` };
    }
    if (c.apiKey) {
      return { 'X-Api-Key': c.apiKey };
    }
    return { Authorization: `Bearer ${c.token}` };
  }

  async _post(path, body, { quiet = false } = {}) {
    return this._request(path, body, await this._authHeaders(), quiet);
  }

  async _request(path, body, headers, quiet = false) {
    const fail = (code, message, details) => (quiet ? new VoiceClientError(code, message, details) : this._fail(code, message, details));
    let response;
    try {
      response = await this._fetch(this._apiBase + path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body || {}),
      });
    } catch (error) {
      throw fail(VoiceErrorCodes.NETWORK, `${path}: ${error && error.message ? error.message : error}`);
    }
    const text = await response.text();
    let json = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        if (response.ok) {
          throw fail(VoiceErrorCodes.STREAM_PARSE, `${path}: the answer is not JSON.`);
        }
      }
    }
    if (!response.ok) {
      const message = (json && (json.message || (json.error && (json.error.message || json.error)))) || response.statusText;
      throw fail(`HTTP_${response.status}`, `${path}: ${message}`, { status: response.status, body: json });
    }
    return json;
  }

  // ---- media socket ----

  _openSocket(url, token) {
    return new Promise((resolve, reject) => {
      let opened = false;
      const target = `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}${this._debug ? '&debug=1' : ''}`;
      const socket = new WebSocket(target);
      socket.binaryType = 'arraybuffer';
      this._socket = socket;
      this._ended = false;
      socket.onopen = () => {
        opened = true;
        resolve();
      };
      socket.onmessage = (event) => this._onSocketMessage(event.data);
      socket.onerror = () => {
        if (!opened) {
          reject(new VoiceClientError(VoiceErrorCodes.SOCKET_ERROR, 'The media socket could not be opened.'));
        }
      };
      socket.onclose = (event) => {
        if (this._socket === socket) {
          this._socket = null;
        }
        if (!opened) {
          reject(new VoiceClientError(VoiceErrorCodes.SOCKET_ERROR, `The media socket closed before opening (${event.code}).`));
          return;
        }
        if (!this._ended) {
          this._ended = true;
          if (event.code !== 1000) {
            this._emit({ type: VoiceEvents.ERROR, sessionId: this._sessionId, code: VoiceErrorCodes.SOCKET_ERROR, message: `The media socket closed (${event.code}${event.reason ? `: ${event.reason}` : ''}).` });
          }
          this._emit({ type: VoiceEvents.SESSION_ENDED, sessionId: this._sessionId, reason: event.code === 1000 ? 'closed' : 'socket_closed' });
        }
        this._teardown();
      };
    });
  }

  _onSocketMessage(data) {
    if (data instanceof ArrayBuffer) {
      this._stats.receivedBytes += data.byteLength;
      if (this._player && data.byteLength >= 2) {
        const even = data.byteLength & ~1;
        const pcm = even === data.byteLength ? data : data.slice(0, even);
        this._player.node.port.postMessage({ type: 'push', pcm }, [pcm]);
      }
      return;
    }
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      this._emit({ type: VoiceEvents.ERROR, sessionId: this._sessionId, code: VoiceErrorCodes.STREAM_PARSE, message: 'A text frame from the worker is not JSON.' });
      return;
    }
    if (!message || typeof message.type !== 'string' || !SERVER_EVENTS.has(message.type)) {
      this._emit({ type: VoiceEvents.ERROR, sessionId: this._sessionId, code: VoiceErrorCodes.STREAM_PARSE, message: 'A text frame from the worker has no known type.', frame: message });
      return;
    }
    if (message.type === VoiceEvents.INTERRUPT) {
      // Stop what the caller hears before anyone else is told.
      this._flushPlayback();
    } else if (message.type === VoiceEvents.SESSION_CREATED && message.sessionId) {
      this._sessionId = message.sessionId;
    } else if (message.type === VoiceEvents.SESSION_ENDED) {
      this._ended = true;
      this._stopCapture();
    }
    this._emit(message);
  }

  _waitForClose(timeoutMs) {
    const socket = this._socket;
    if (!socket) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      socket.addEventListener('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  // ---- audio ----

  async _startPlayback() {
    let context;
    try {
      context = new AudioContext({ sampleRate: WIRE_RATE, latencyHint: 'interactive' });
    } catch {
      context = new AudioContext({ latencyHint: 'interactive' });
    }
    await context.audioWorklet.addModule(this._workletUrl);
    const node = new AudioWorkletNode(context, 'dvs-playback', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1], processorOptions: { bufferSeconds: 60 } });
    node.port.onmessage = (event) => {
      const message = event.data;
      if (message.type === 'played') {
        this._stats.playedSamples = message.played;
        this._stats.bufferedSamples = message.buffered;
        this._stats.droppedSamples = message.dropped;
        if (message.buffered > 0 || message.level > 0) {
          this._emit({ type: VoiceEvents.AUDIO_LEVEL, sessionId: this._sessionId, source: 'agent', level: message.level });
        }
      } else if (message.type === 'flushed') {
        this._stats.flushedSamples += message.flushed;
        this._stats.bufferedSamples = 0;
        this._recordTiming(this._timings.flushes, { at: this._pageTime(context, message.time), flushed: message.flushed });
      } else if (message.type === 'started') {
        this._recordTiming(this._timings.playbackStarts, { at: this._pageTime(context, message.time), played: message.played });
      }
    };
    node.connect(context.destination);
    if (context.state === 'suspended') {
      await context.resume().catch(() => undefined);
    }
    this._player = { context, node };
  }

  // Latency hook: a playback context time (seconds) on the page clock (performance.now() ms). getOutputTimestamp() pairs
  // the two clocks at the output; before it has a pairing, the current context time stands for "now".
  _pageTime(context, contextTime) {
    const stamp = typeof context.getOutputTimestamp === 'function' ? context.getOutputTimestamp() : null;
    if (stamp && stamp.contextTime > 0 && stamp.performanceTime > 0) {
      return stamp.performanceTime + (contextTime - stamp.contextTime) * 1000;
    }
    return performance.now() - (context.currentTime - contextTime) * 1000;
  }

  _recordTiming(list, entry) {
    list.push(entry);
    if (list.length > 100) {
      list.shift();
    }
  }

  _flushPlayback() {
    if (this._player) {
      this._player.node.port.postMessage({ type: 'flush' });
    }
  }

  async _startCapture() {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: this._audioConstraints, video: false });
    const context = new AudioContext({ latencyHint: 'interactive' });
    await context.audioWorklet.addModule(this._workletUrl);
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, 'dvs-capture', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
    // The node must be pulled by the graph to run; a muted gain keeps it pulled without echoing the caller.
    const sink = context.createGain();
    sink.gain.value = 0;
    source.connect(node);
    node.connect(sink);
    sink.connect(context.destination);
    node.port.onmessage = (event) => this._onCaptureFrame(event.data);
    if (context.state === 'suspended') {
      await context.resume().catch(() => undefined);
    }
    this._capture = { stream, context, node, sink, source };
  }

  _onCaptureFrame(message) {
    if (message.type !== 'frame') {
      return;
    }
    const now = Date.now();
    if (now - this._lastMicLevelAt >= LEVEL_INTERVAL_MS) {
      this._lastMicLevelAt = now;
      this._emit({ type: VoiceEvents.AUDIO_LEVEL, sessionId: this._sessionId, source: 'microphone', level: this._audioEnabled ? message.level : 0 });
    }
    const socket = this._socket;
    if (!this._audioEnabled || !socket || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    // Back-pressure: a stalled socket should not build seconds of stale caller audio.
    if (socket.bufferedAmount > WIRE_RATE * 2) {
      return;
    }
    socket.send(message.pcm);
    this._stats.sentFrames++;
    this._stats.sentBytes += message.pcm.byteLength;
  }

  _stopCapture() {
    const capture = this._capture;
    this._capture = null;
    if (!capture) {
      return;
    }
    capture.stream.getTracks().forEach((track) => track.stop());
    capture.node.port.onmessage = null;
    capture.context.close().catch(() => undefined);
  }

  async _teardown() {
    this._stopCapture();
    const socket = this._socket;
    this._socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) {
      socket.close(1000, 'client stopped');
    }
    const player = this._player;
    this._player = null;
    if (player) {
      await player.context.close().catch(() => undefined);
    }
  }

  // ---- events ----

  _fail(code, message, details) {
    const error = new VoiceClientError(code, message, details);
    this._emit({ type: VoiceEvents.ERROR, sessionId: this._sessionId, code, message });
    return error;
  }

  _emit(event) {
    for (const key of [event.type, VoiceEvents.ALL]) {
      const set = this._listeners.get(key);
      if (!set) continue;
      for (const listener of [...set]) {
        try {
          listener(event);
        } catch (error) {
          // A listener's bug must not stop the session.
          setTimeout(() => {
            throw error;
          });
        }
      }
    }
  }
}
