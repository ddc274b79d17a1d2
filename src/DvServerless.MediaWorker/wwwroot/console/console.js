// The DvServerless console: sign in with an API key (exchanged once for a short-lived token; the key is not kept),
// talk to the agent, watch transcripts and every client and server event.
import { ChatClient, VoiceEvents } from '/sdk/dvs-voice.js';

const $ = (id) => document.getElementById(id);
const ui = {
  apiBase: $('api-base'), status: $('status'), signIn: $('sign-in'), apiKey: $('api-key'), signedIn: $('signed-in'),
  userName: $('user-name'), welcome: $('welcome'), mode: $('mode'), connect: $('connect'), disconnect: $('disconnect'),
  interrupt: $('interrupt'), talk: $('talk'), micLevel: $('mic-level'), agentLevel: $('agent-level'),
  playedSamples: $('played-samples'), sentFrames: $('sent-frames'), transcript: $('transcript'), textForm: $('text-form'),
  textInput: $('text-input'), sendText: $('send-text'), eventLog: $('event-log'), clearLog: $('clear-log'),
  memory: $('memory'), memoryEmpty: $('memory-empty'), weather: $('weather'), weatherAsked: $('weather-asked'),
};

// The demo weather tool's local table (the agent's get_weather tool is answered from the same values).
const WEATHER = [
  ['London', 'light rain', 11], ['Paris', 'cloudy', 14], ['New York', 'sunny', 18], ['Tokyo', 'clear', 16],
  ['Seattle', 'drizzle', 10], ['Sydney', 'sunny', 23], ['Berlin', 'overcast', 9], ['Singapore', 'thunderstorms', 30],
];
const LOG_LIMIT = 500;
const TOOLS = new Set(['set_memory', 'get_weather']);

const state = { apiBase: '', token: null, tokenExpiresAt: 0, client: null, events: [], bubbles: new Map(), connecting: false };

// Tests and curious people can read what the page sees: window.dvsConsole.stats(), .events
window.dvsConsole = {
  get client() { return state.client; },
  get sessionId() { return state.client ? state.client.sessionId : null; },
  get events() { return state.events.slice(); },
  stats: () => (state.client ? state.client.stats : null),
};

async function loadConfig() {
  const response = await fetch('/console/config.json', { cache: 'no-store' });
  const config = await response.json();
  state.apiBase = String(config.apiBase || '').replace(/\/+$/, '');
  ui.apiBase.textContent = `API ${state.apiBase}`;
}

function setStatus(text, kind) {
  ui.status.textContent = text;
  ui.status.className = `status${kind ? ` ${kind}` : ''}`;
}

function setLive(live) {
  ui.connect.disabled = live;
  ui.disconnect.disabled = !live;
  ui.interrupt.disabled = !live;
  ui.textInput.disabled = !live;
  ui.sendText.disabled = !live;
  ui.talk.disabled = !live;
  ui.mode.disabled = live;
}

// ---- event log ----

function logEvent(direction, type, payload) {
  const entry = { time: new Date().toISOString(), direction, type, payload };
  state.events.push(entry);
  if (state.events.length > LOG_LIMIT * 4) {
    state.events.splice(0, state.events.length - LOG_LIMIT * 4);
  }
  const item = document.createElement('li');
  item.className = `${direction} ${type}`;
  item.dataset.type = type;
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  const time = document.createElement('span');
  time.className = 'time';
  time.textContent = entry.time.slice(11, 23);
  const dir = document.createElement('span');
  dir.className = 'dir';
  dir.textContent = direction === 'client' ? '→' : '←';
  const name = document.createElement('span');
  name.className = 'type';
  name.textContent = type;
  summary.append(time, ' ', dir, ' ', name);
  // Readable without expanding: which engine event a FLOW_DEBUG carries, what an error says.
  const detail = describe(type, payload);
  if (detail) {
    const note = document.createElement('span');
    note.className = 'note';
    note.textContent = detail;
    summary.append(' ', note);
  }
  const body = document.createElement('pre');
  body.textContent = JSON.stringify(payload, null, 2);
  details.append(summary, body);
  item.append(details);
  ui.eventLog.prepend(item);
  while (ui.eventLog.childElementCount > LOG_LIMIT) {
    ui.eventLog.lastElementChild.remove();
  }
}

function describe(type, payload) {
  if (!payload) return '';
  if (type === 'FLOW_DEBUG' && payload.event === 'agent_audio_delta' && payload.detail) {
    // The detail is the delta's size in bytes of 24 kHz PCM16: 48 bytes a millisecond.
    return `${payload.event} · ${Math.round(Number(payload.detail) / 48)} ms`;
  }
  if (type === 'FLOW_DEBUG') return [payload.event, payload.detail].filter(Boolean).join(' · ');
  if (type === 'ERROR') return payload.message || payload.code || '';
  if (type === 'SESSION_ENDED') return payload.reason || '';
  if (type === 'INTERRUPT' && payload.audioEndMs !== undefined) return `heard ${payload.audioEndMs} ms`;
  return '';
}

// ---- transcript ----

function bubbleFor(role, segmentId) {
  const key = `${role}:${segmentId ?? 'none'}`;
  let bubble = state.bubbles.get(key);
  if (!bubble) {
    bubble = document.createElement('li');
    bubble.className = `bubble ${role} partial`;
    bubble.dataset.role = role;
    bubble.dataset.testid = role === 'user' ? 'user-bubble' : 'agent-bubble';
    bubble.setAttribute('data-testid', bubble.dataset.testid);
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = role === 'user' ? 'you' : 'agent';
    const text = document.createElement('span');
    text.className = 'text';
    bubble.append(who, text);
    ui.transcript.append(bubble);
    state.bubbles.set(key, bubble);
  }
  return bubble;
}

function showMessage(role, event) {
  const bubble = bubbleFor(role, event.segmentId);
  const text = bubble.querySelector('.text');
  const content = String(event.content ?? '');
  if (event.final) {
    text.textContent = content || text.textContent;
    bubble.classList.remove('partial');
  } else if (content.startsWith(text.textContent)) {
    text.textContent = content; // the text so far
  } else {
    text.textContent += content; // a delta
  }
  ui.transcript.scrollTop = ui.transcript.scrollHeight;
}

function markInterrupted() {
  const agents = ui.transcript.querySelectorAll('.bubble.agent');
  const last = agents[agents.length - 1];
  if (last) {
    last.classList.add('interrupted');
  }
}

// ---- demo tools, seen in FLOW_DEBUG ----

// FLOW_DEBUG {event: "tool_call_requested", detail: <tool name>} says the agent called a tool; when the event also
// carries the call's arguments (an object with name and arguments anywhere inside), the panels show them.
function findToolCall(message) {
  if (message && message.event === 'tool_call_requested' && TOOLS.has(message.detail)) {
    return findToolArguments(message, 0) || { name: message.detail, args: null };
  }
  return findToolArguments(message, 0);
}

function findToolArguments(value, depth) {
  if (!value || typeof value !== 'object' || depth > 6) {
    return null;
  }
  const name = value.name || value.toolName || value.tool || (value.function && value.function.name);
  if (TOOLS.has(name) && ('arguments' in value || 'args' in value || 'input' in value)) {
    let args = value.arguments ?? value.args ?? value.input;
    if (typeof args === 'string') {
      try { args = JSON.parse(args); } catch { args = null; }
    }
    return { name, args: args && typeof args === 'object' ? args : null };
  }
  for (const child of Object.values(value)) {
    const found = findToolArguments(child, depth + 1);
    if (found) return found;
  }
  return null;
}

function showToolCall(call) {
  const at = new Date().toLocaleTimeString();
  if (call.name === 'set_memory') {
    const args = call.args || {};
    const key = String(args.key ?? args.name ?? `note at ${at}`);
    const value = call.args ? String(args.value ?? args.text ?? JSON.stringify(args)) : 'the agent stored a memory';
    let dd = [...ui.memory.querySelectorAll('dd')].find((item) => item.dataset.key === key);
    if (!dd) {
      const dt = document.createElement('dt');
      dt.textContent = key;
      dd = document.createElement('dd');
      dd.dataset.key = key;
      ui.memory.append(dt, dd);
    }
    dd.textContent = value;
    ui.memoryEmpty.hidden = true;
  } else if (call.name === 'get_weather') {
    const city = String((call.args && (call.args.city ?? call.args.location)) ?? '').toLowerCase();
    for (const row of ui.weather.tBodies[0].rows) {
      row.classList.toggle('asked', city.length > 0 && row.cells[0].textContent.toLowerCase() === city);
    }
    ui.weatherAsked.textContent = `The agent asked for the weather${city ? ` in ${city}` : ''} at ${at}.`;
  }
}

function fillWeather() {
  const body = ui.weather.tBodies[0];
  for (const [city, sky, celsius] of WEATHER) {
    const row = body.insertRow();
    row.insertCell().textContent = city;
    row.insertCell().textContent = sky;
    row.insertCell().textContent = String(celsius);
  }
}

// ---- sign-in and session ----

async function signIn() {
  const apiKey = ui.apiKey.value.trim();
  if (!apiKey) {
    if (state.token && Date.now() < state.tokenExpiresAt) return true;
    setStatus('enter an API key', 'error');
    return false;
  }
  logEvent('client', 'auth/token', { apiKey: '•••' });
  let response;
  try {
    response = await fetch(`${state.apiBase}/api/v1/auth/token`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ apiKey }),
    });
  } catch (error) {
    logEvent('server', 'ERROR', { code: 'NETWORK', message: String(error && error.message || error) });
    setStatus('API unreachable', 'error');
    return false;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.token) {
    logEvent('server', 'ERROR', { code: `HTTP_${response.status}`, message: body.message || body.error || response.statusText });
    setStatus(response.status === 401 ? 'wrong API key' : `sign-in failed (${response.status})`, 'error');
    return false;
  }
  // The key is not kept: from here on the page holds only the short-lived token, in memory.
  ui.apiKey.value = '';
  state.token = body.token;
  state.tokenExpiresAt = body.expiresAt ? Date.parse(body.expiresAt) : Date.now() + 10 * 60 * 1000;
  logEvent('server', 'auth/token', { token: '•••', expiresAt: body.expiresAt });
  ui.signedIn.textContent = `Signed in until ${new Date(state.tokenExpiresAt).toLocaleTimeString()}.`;
  ui.signedIn.hidden = false;
  setStatus('signed in');
  return true;
}

async function connect() {
  if (state.connecting || state.client) return;
  state.connecting = true;
  ui.connect.disabled = true;
  try {
    if (!(await signIn())) return;
    const client = new ChatClient({ token: state.token }, { apiBase: state.apiBase, debug: true });
    client.on(VoiceEvents.ALL, onEvent);
    state.client = client;
    const request = { userName: ui.userName.value.trim() || undefined, welcome: ui.welcome.value.trim() || undefined };
    logEvent('client', 'voice/start', request);
    setStatus('connecting…');
    const sessionId = await client.startVoiceChat(request);
    const pushToTalk = ui.mode.value === 'ptt';
    ui.talk.hidden = !pushToTalk;
    if (pushToTalk) {
      await client.setAudioEnabled(false);
      logEvent('client', 'audio', { enabled: false });
    }
    setStatus(`live · ${sessionId}`, 'live');
    setLive(true);
  } catch (error) {
    setStatus(error && error.code ? error.code : 'connect failed', 'error');
    if (state.client) {
      state.client.off(VoiceEvents.ALL, onEvent);
      state.client = null;
    }
  } finally {
    state.connecting = false;
    if (!state.client) ui.connect.disabled = false;
  }
}

async function disconnect() {
  const client = state.client;
  if (!client) return;
  logEvent('client', 'stop', { sessionId: client.sessionId });
  await client.stopVoiceChat().catch(() => undefined);
  ended();
}

function ended() {
  if (state.client) {
    state.client.off(VoiceEvents.ALL, onEvent);
  }
  state.client = null;
  setLive(false);
  ui.talk.hidden = true;
  ui.micLevel.value = 0;
  ui.agentLevel.value = 0;
}

function onEvent(event) {
  if (event.type === VoiceEvents.AUDIO_LEVEL) {
    (event.source === 'agent' ? ui.agentLevel : ui.micLevel).value = Math.min(1, event.level * 4);
    return;
  }
  logEvent('server', event.type, event);
  switch (event.type) {
    case VoiceEvents.USER_MESSAGE:
      showMessage('user', event);
      break;
    case VoiceEvents.ROBOT_MESSAGE:
      showMessage('agent', event);
      break;
    case VoiceEvents.INTERRUPT:
      markInterrupted();
      break;
    case VoiceEvents.FLOW_DEBUG: {
      const call = findToolCall(event);
      if (call) showToolCall(call);
      break;
    }
    case VoiceEvents.ERROR:
      // Words for a person, the code for a search.
      setStatus(event.message ? `${event.message}${event.code ? ` (${event.code})` : ''}` : event.code || 'error', 'error');
      break;
    case VoiceEvents.SESSION_ENDED:
      setStatus(`ended · ${event.reason || ''}`);
      ended();
      break;
    default:
      break;
  }
}

function bind() {
  ui.signIn.addEventListener('submit', (e) => { e.preventDefault(); signIn(); });
  ui.connect.addEventListener('click', connect);
  ui.disconnect.addEventListener('click', disconnect);
  ui.interrupt.addEventListener('click', async () => {
    if (!state.client) return;
    logEvent('client', 'interrupt', {});
    markInterrupted();
    await state.client.interrupt().catch(() => undefined);
  });
  ui.textForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = ui.textInput.value.trim();
    if (!text || !state.client) return;
    try {
      state.client.sendText(text);
      logEvent('client', 'text', { text });
      showMessage('user', { content: text, segmentId: `typed-${Date.now()}`, final: true });
      ui.textInput.value = '';
    } catch (error) {
      logEvent('client', 'ERROR', { message: String(error.message || error) });
    }
  });
  const talk = (enabled) => async (e) => {
    e.preventDefault();
    if (!state.client || ui.mode.value !== 'ptt') return;
    ui.talk.classList.toggle('active', enabled);
    logEvent('client', 'audio', { enabled });
    await state.client.setAudioEnabled(enabled).catch(() => undefined);
  };
  ui.talk.addEventListener('pointerdown', talk(true));
  ui.talk.addEventListener('pointerup', talk(false));
  ui.talk.addEventListener('pointerleave', (e) => { if (ui.talk.classList.contains('active')) talk(false)(e); });
  ui.clearLog.addEventListener('click', () => ui.eventLog.replaceChildren());
  setInterval(() => {
    const stats = state.client && state.client.stats;
    if (stats) {
      ui.playedSamples.textContent = String(stats.playedSamples);
      ui.sentFrames.textContent = String(stats.sentFrames);
    }
  }, 200);
}

fillWeather();
bind();
loadConfig().catch((error) => setStatus(`no config: ${error.message}`, 'error'));
