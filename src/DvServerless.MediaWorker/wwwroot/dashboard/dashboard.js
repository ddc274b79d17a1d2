// The DvServerless dashboard: sign in with an API key (exchanged for a short-lived token at the Functions app; the key
// stays in this page's memory only, to fetch the next token), connect to the worker's live hub, take a snapshot, then
// apply call events as they come: calls, transcripts, barge-ins, per-turn latency, cost, and p50/p95 of the last hour.
/* global signalR */

const $ = (id) => document.getElementById(id);
const ui = {
  apiBase: $('api-base'), status: $('status'), signIn: $('sign-in'), apiKey: $('api-key'), signInButton: $('sign-in-button'),
  signOut: $('sign-out'), rows: $('call-rows'), noCalls: $('no-calls'), callCount: $('call-count'), latencyAt: $('latency-at'),
  detailTitle: $('detail-title'), detailMeta: $('detail-meta'), transcript: $('call-transcript'), turns: $('turn-latency'),
  firstAudio: $('first-audio'),
};

const EVENT_TYPES = ['call:new', 'call:state', 'call:media', 'call:transcript', 'call:bargein', 'call:latency', 'call:cost', 'call:tool', 'call:error', 'call:ended'];
const WINDOW_MS = 60 * 60 * 1000;
const MAX_ENDED = 200;
const MAX_ENTRIES = 400;
const SNAPSHOT_EVERY_MS = 15000;
const REFRESH_BEFORE_EXPIRY_MS = 60 * 1000;

// The API key lives in this closure only: never in storage, the DOM or window.
let apiKey = null;
const state = {
  apiBase: '', token: null, tokenExpiresAt: 0, connection: null, calls: new Map(), rows: new Map(), selected: null,
  clockOffset: 0, latency: null, snapshotTimer: null, snapshotSoon: null, retryTimer: null, refreshTimer: null, seq: 0, log: [],
};

// Tests and curious people can read what the page sees (never the key or the token).
window.dvsDashboard = {
  get connectionState() { return state.connection ? state.connection.state : 'Disconnected'; },
  get calls() { return [...state.calls.values()].map((c) => ({ callId: c.callId, tenantId: c.tenantId, state: c.state, entries: c.entries.length })); },
  get log() { return state.log.slice(); },
};

const now = () => Date.now() + state.clockOffset;

function note(text) {
  state.log.push(`${new Date().toISOString().slice(11, 23)} ${text}`);
  if (state.log.length > 200) state.log.splice(0, state.log.length - 200);
}

function setStatus(text, kind) {
  ui.status.textContent = text;
  ui.status.className = `status${kind ? ` ${kind}` : ''}`;
  note(`status: ${text}`);
}

async function loadConfig() {
  const response = await fetch('/dashboard/config.json', { cache: 'no-store' });
  const config = await response.json();
  state.apiBase = String(config.apiBase || '').replace(/\/+$/, '');
  ui.apiBase.textContent = `API ${state.apiBase}`;
}

// ---- formatting ----

function ms(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
}

function duration(milliseconds) {
  const total = Math.max(0, Math.floor(milliseconds / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

const cost = (usd) => `$${Number(usd || 0).toFixed(4)}`;
const time = (at) => new Date(at).toLocaleTimeString();

// ---- the model: calls as the page knows them ----

function callFor(callId) {
  let call = state.calls.get(callId);
  if (!call) {
    call = {
      callId, tenantId: null, channel: null, from: null, state: 'Ringing', stateAt: 0, engine: null, startedAt: now(),
      endedAt: null, endReason: null, costUsd: 0, entries: [], turns: new Map(), firstAudioMs: null,
    };
    state.calls.set(callId, call);
  }
  return call;
}

function setState(call, value, at) {
  if (call.endedAt !== null || at < call.stateAt) return; // a late "Ringing" does not undo "Connected"
  call.state = value;
  call.stateAt = at;
}

function keyOf(event) {
  if (!event.itemId) return `${event.type}:${state.seq++}`;
  return event.type === 'call:transcript' ? `t:${event.speaker}:${event.itemId}` : `${event.type}:${event.itemId}`;
}

// Adds or replaces an entry of the call's transcript: a final replaces the partial of the same item in place.
function upsertEntry(call, event) {
  const key = keyOf(event);
  const entry = { key, event, at: Date.parse(event.at) };
  const index = call.entries.findIndex((e) => e.key === key);
  if (index >= 0) {
    if (call.entries[index].event.final === true && event.final === false) return; // a stale partial after the final
    call.entries[index] = entry;
  } else {
    call.entries.push(entry);
    if (call.entries.length > MAX_ENTRIES) call.entries.splice(0, call.entries.length - MAX_ENTRIES);
  }
}

function apply(event) {
  if (!event || !event.callId) return;
  const call = callFor(event.callId);
  const at = Date.parse(event.at) || now();
  call.tenantId = call.tenantId ?? event.tenantId ?? null;
  call.channel = call.channel ?? event.channel ?? null;
  call.engine = event.engine ?? call.engine;
  switch (event.type) {
    case 'call:new':
      call.from = call.from ?? event.from ?? null;
      call.startedAt = Math.min(call.startedAt, at);
      setState(call, event.state || 'Ringing', at);
      break;
    case 'call:state':
      if (event.state) setState(call, event.state, at);
      break;
    case 'call:transcript':
    case 'call:bargein':
    case 'call:tool':
    case 'call:error':
      upsertEntry(call, event);
      break;
    case 'call:latency':
      if (event.turn === 0) call.firstAudioMs = event.firstAudioMs ?? null;
      else if (event.turn >= 1 && event.latency) call.turns.set(event.turn, event.latency);
      break;
    case 'call:cost':
    case 'call:media':
      // The media leg's start names the engine (taken above); its close carries the final cost.
      if (event.costUsd !== undefined) call.costUsd = event.costUsd;
      break;
    case 'call:ended':
      if (event.costUsd !== undefined) call.costUsd = event.costUsd;
      if (call.endedAt === null) {
        call.endedAt = at;
        call.endReason = event.state || null;
        call.state = 'Ended';
        call.stateAt = at;
      }
      break;
    default:
      return;
  }
  render(call);
  if (['call:latency', 'call:bargein', 'call:ended', 'call:new'].includes(event.type)) snapshotSoon();
}

function applySnapshot(snapshot) {
  state.clockOffset = Date.parse(snapshot.at) - Date.now();
  for (const summary of snapshot.calls || []) {
    const call = callFor(summary.callId);
    call.tenantId = summary.tenantId ?? call.tenantId;
    call.channel = summary.channel ?? call.channel;
    call.from = summary.from ?? call.from;
    call.engine = summary.engine ?? call.engine;
    call.startedAt = Date.parse(summary.startedAt);
    call.costUsd = summary.costUsd ?? call.costUsd;
    if (summary.endedAt) {
      call.endedAt = call.endedAt ?? Date.parse(summary.endedAt);
      call.state = 'Ended';
    } else if (call.endedAt === null) {
      call.state = summary.state;
    }
    // The board's finals and markers, then what only this page saw after them (partials in progress, newer lines).
    const fromBoard = (summary.transcript || []).map((event) => ({ key: keyOf(event), event, at: Date.parse(event.at) }));
    const known = new Set(fromBoard.map((e) => e.key));
    const last = fromBoard.length ? fromBoard[fromBoard.length - 1].at : 0;
    const newer = call.entries.filter((e) => !known.has(e.key) && (e.at >= last || e.event.final === false));
    call.entries = fromBoard.concat(newer).slice(-MAX_ENTRIES);
  }
  state.latency = snapshot.latency;
  ui.latencyAt.textContent = `as of ${time(Date.parse(snapshot.at))}`;
  renderLatency();
  renderAll();
}

// ---- rendering ----

function cell(row, text, className) {
  const td = row.insertCell();
  if (className) td.className = className;
  td.textContent = text;
  return td;
}

function render(call) {
  let row = state.rows.get(call.callId);
  if (!row) {
    row = document.createElement('tr');
    row.dataset.testid = 'call-row';
    row.setAttribute('data-testid', 'call-row');
    row.dataset.callId = call.callId;
    row.tabIndex = 0;
    row.addEventListener('click', () => select(call.callId));
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter') select(call.callId); });
    state.rows.set(call.callId, row);
  }
  row.replaceChildren();
  row.className = `${call.endedAt !== null ? 'ended' : 'active'}${state.selected === call.callId ? ' selected' : ''}`;
  row.dataset.state = call.state;
  cell(row, time(call.startedAt));
  cell(row, call.tenantId ?? '—');
  cell(row, call.from ?? '—');
  cell(row, call.channel ?? '—');
  const stateCell = row.insertCell();
  const pill = document.createElement('span');
  pill.className = `state ${call.state}`;
  pill.textContent = call.endedAt !== null && call.endReason ? `Ended · ${call.endReason}` : call.state;
  // Long end reasons are cut to fit the row; the whole text is one hover away.
  pill.title = pill.textContent;
  stateCell.append(pill);
  cell(row, duration((call.endedAt ?? now()) - call.startedAt), 'duration');
  cell(row, call.engine ?? '—');
  cell(row, cost(call.costUsd), 'num');
  order();
  if (state.selected === call.callId) renderDetail(call);
}

// Active calls first (newest first), then ended ones (most recently ended first).
function order() {
  const calls = [...state.calls.values()].sort((a, b) => {
    if ((a.endedAt === null) !== (b.endedAt === null)) return a.endedAt === null ? -1 : 1;
    return (b.endedAt ?? b.startedAt) - (a.endedAt ?? a.startedAt);
  });
  calls.forEach((call, index) => {
    const row = state.rows.get(call.callId);
    if (row && ui.rows.children[index] !== row) ui.rows.insertBefore(row, ui.rows.children[index] || null);
  });
  const active = calls.filter((c) => c.endedAt === null).length;
  ui.callCount.textContent = `${active} active · ${calls.length - active} ended`;
  ui.noCalls.hidden = calls.length > 0;
}

function renderAll() {
  for (const call of state.calls.values()) render(call);
  order();
}

function renderLatency() {
  const latency = state.latency;
  if (!latency) return;
  const nouns = { firstAudio: ['call', 'calls'], endToEnd: ['turn', 'turns'], bargeInReaction: ['barge-in', 'barge-ins'] };
  for (const tile of document.querySelectorAll('[data-testid=latency-panel] .tile')) {
    const metric = tile.dataset.metric;
    const p = latency[metric] || { p50: null, p95: null, count: 0 };
    tile.querySelector('.p50').textContent = ms(p.p50);
    tile.querySelector('.p95').textContent = ms(p.p95);
    const [one, many] = nouns[metric];
    tile.querySelector('.count').textContent = p.count ? `${p.count} ${p.count === 1 ? one : many}` : `no ${many} yet`;
    tile.dataset.count = String(p.count || 0);
  }
}

function select(callId) {
  state.selected = callId;
  for (const [id, row] of state.rows) row.classList.toggle('selected', id === callId);
  const call = state.calls.get(callId);
  if (call) renderDetail(call);
}

function line(entry) {
  const e = entry.event;
  const item = document.createElement('li');
  if (e.type === 'call:transcript') {
    const speaker = e.speaker === 'agent' ? 'agent' : 'caller';
    item.className = `line ${speaker}${e.final === false ? ' partial' : ''}${e.interrupted ? ' interrupted' : ''}`;
    item.setAttribute('data-testid', 'transcript-line');
    item.dataset.speaker = speaker;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = `${speaker} · ${time(entry.at)}`;
    const text = document.createElement('span');
    text.textContent = e.text ?? '';
    item.append(who, text);
  } else if (e.type === 'call:bargein') {
    item.className = 'marker bargein';
    item.setAttribute('data-testid', 'bargein-marker');
    const heard = e.heardMs !== undefined ? ` · the caller heard ${ms(e.heardMs)} of the reply` : '';
    item.textContent = `barge-in · playback stopped in ${ms(e.reactionMs)}${heard}`;
  } else if (e.type === 'call:tool') {
    item.className = 'marker';
    item.textContent = `tool ${e.tool ?? ''}`;
  } else {
    item.className = 'marker error';
    item.textContent = `error ${e.code ?? ''}${e.message ? `: ${e.message}` : ''}`;
  }
  return item;
}

function bar(name, className, value, scale) {
  const rows = [];
  const label = document.createElement('span');
  label.className = 'name';
  label.textContent = name;
  const track = document.createElement('span');
  track.className = 'track';
  const fill = document.createElement('span');
  fill.className = `fill ${className}`;
  fill.style.width = value === null || value === undefined ? '0' : `${Math.max(1, Math.min(100, (value / scale) * 100))}%`;
  fill.style.display = 'block';
  track.append(fill);
  const text = document.createElement('span');
  text.className = 'ms';
  text.textContent = ms(value);
  rows.push(label, track, text);
  return rows;
}

// By time, except that a barge-in marker follows the reply it cut off: that reply's final is stamped when it was cut
// (after the barge-in), but it was said before.
function inReadingOrder(entries) {
  const sorted = entries.slice().sort((a, b) => a.at - b.at);
  const markers = new Map();
  for (const entry of sorted) {
    if (entry.event.type === 'call:bargein' && entry.event.itemId
      && sorted.some((e) => e.event.type === 'call:transcript' && e.event.itemId === entry.event.itemId)) {
      markers.set(entry.event.itemId, entry);
    }
  }
  const ordered = [];
  for (const entry of sorted) {
    if (entry.event.type === 'call:bargein' && markers.get(entry.event.itemId) === entry) continue;
    ordered.push(entry);
    const marker = entry.event.type === 'call:transcript' ? markers.get(entry.event.itemId) : undefined;
    if (marker) ordered.push(marker);
  }
  return ordered;
}

function renderDetail(call) {
  ui.detailTitle.textContent = call.callId;
  ui.detailMeta.textContent = [call.tenantId, call.channel, call.from, call.engine].filter(Boolean).join(' · ');
  const atBottom = ui.transcript.parentElement.scrollTop + ui.transcript.parentElement.clientHeight >= ui.transcript.parentElement.scrollHeight - 8;
  ui.transcript.replaceChildren(...inReadingOrder(call.entries).map(line));
  if (atBottom) ui.transcript.parentElement.scrollTop = ui.transcript.parentElement.scrollHeight;

  ui.firstAudio.textContent = call.firstAudioMs !== null ? `First audio ${ms(call.firstAudioMs)} after media connected.` : '';
  const turns = [...call.turns.entries()].sort((a, b) => a[0] - b[0]);
  const scale = Math.max(1, ...turns.flatMap(([, l]) => [l.sttMs, l.llmTtftMs, l.ttsMs, l.e2eMs].filter((v) => Number.isFinite(v))));
  ui.turns.replaceChildren(...turns.map(([turn, l]) => {
    const item = document.createElement('li');
    item.className = 'turn';
    item.setAttribute('data-testid', 'turn');
    item.dataset.turn = String(turn);
    const head = document.createElement('div');
    head.className = 'head';
    const title = document.createElement('span');
    title.textContent = `turn ${turn}`;
    const total = document.createElement('span');
    total.textContent = `e2e ${ms(l.e2eMs)}`;
    head.append(title, total);
    const bars = document.createElement('div');
    bars.className = 'bars';
    bars.append(...bar('stt', 'stt', l.sttMs, scale), ...bar('llm ttft', 'llm', l.llmTtftMs, scale),
      ...bar('tts', 'tts', l.ttsMs, scale), ...bar('e2e', 'e2e', l.e2eMs, scale));
    item.append(head, bars);
    return item;
  }));
}

// Durations tick; ended calls leave after an hour, and only the newest MAX_ENDED stay.
function tick() {
  const cutoff = now() - WINDOW_MS;
  const ended = [...state.calls.values()].filter((c) => c.endedAt !== null).sort((a, b) => b.endedAt - a.endedAt);
  ended.forEach((call, index) => {
    if (index >= MAX_ENDED || call.endedAt < cutoff) {
      state.calls.delete(call.callId);
      state.rows.get(call.callId)?.remove();
      state.rows.delete(call.callId);
      if (state.selected === call.callId) state.selected = null;
    }
  });
  for (const call of state.calls.values()) {
    if (call.endedAt !== null) continue;
    const td = state.rows.get(call.callId)?.querySelector('.duration');
    if (td) td.textContent = duration(now() - call.startedAt);
  }
  order();
}

// ---- sign-in, tokens and the hub ----

async function exchange(key) {
  let response;
  try {
    response = await fetch(`${state.apiBase}/api/v1/auth/token`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ apiKey: key }),
    });
  } catch (error) {
    throw Object.assign(new Error('API unreachable'), { code: 'network' });
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.token) {
    const message = response.status === 401 ? 'wrong API key' : `sign-in failed (${response.status}${body.message ? `: ${body.message}` : ''})`;
    throw Object.assign(new Error(message), { code: response.status });
  }
  state.token = body.token;
  state.tokenExpiresAt = body.expiresAt ? Date.parse(body.expiresAt) : Date.now() + 10 * 60 * 1000;
  scheduleRefresh();
  return state.token;
}

// A fresh token shortly before this one runs out; the hub closes a connection when its token expires, and the
// automatic reconnect then asks accessTokenFactory, which has the new one.
function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  const wait = Math.max(5000, state.tokenExpiresAt - Date.now() - REFRESH_BEFORE_EXPIRY_MS);
  state.refreshTimer = setTimeout(async () => {
    if (!apiKey) return;
    try {
      await exchange(apiKey);
      note('token refreshed');
    } catch (error) {
      setStatus(`token refresh failed: ${error.message}`, 'error');
      state.refreshTimer = setTimeout(scheduleRefresh, 15000);
    }
  }, wait);
}

async function accessToken() {
  if (state.token && Date.now() < state.tokenExpiresAt - REFRESH_BEFORE_EXPIRY_MS) return state.token;
  if (!apiKey) throw new Error('signed out');
  return exchange(apiKey);
}

function describeHubError(error) {
  if (error && error.statusCode === 401) return 'the live hub refused the token (do both apps share Tenants:Tokens:SigningKey?)';
  const message = String((error && error.message) || error || 'unknown error');
  return `live hub unreachable: ${message.slice(0, 160)}`;
}

function buildConnection() {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/live', { accessTokenFactory: accessToken })
    // Never give up: a worker restart or a deploy should heal by itself.
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => Math.min(30000, 1000 * 2 ** Math.min(context.previousRetryCount, 5)) })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  for (const type of EVENT_TYPES) connection.on(type, apply);
  connection.onreconnecting(() => setStatus('reconnecting…', 'error'));
  connection.onreconnected(() => {
    setStatus('live', 'live');
    refreshSnapshot();
  });
  connection.onclose((error) => {
    if (!apiKey) return;
    setStatus(error ? describeHubError(error) : 'disconnected', 'error');
    state.retryTimer = setTimeout(start, 5000);
  });
  return connection;
}

async function start() {
  clearTimeout(state.retryTimer);
  if (!apiKey || !state.connection || state.connection.state !== signalR.HubConnectionState.Disconnected) return;
  setStatus('connecting…');
  try {
    await state.connection.start();
  } catch (error) {
    if (!apiKey) return;
    setStatus(error && error.code === 401 ? 'wrong API key' : describeHubError(error), 'error');
    state.retryTimer = setTimeout(start, 5000);
    return;
  }
  setStatus('live', 'live');
  await refreshSnapshot();
}

async function refreshSnapshot() {
  clearTimeout(state.snapshotSoon);
  state.snapshotSoon = null;
  if (!state.connection || state.connection.state !== signalR.HubConnectionState.Connected) return;
  try {
    applySnapshot(await state.connection.invoke('GetSnapshot'));
  } catch (error) {
    note(`snapshot failed: ${error && error.message}`);
  }
}

function snapshotSoon() {
  if (!state.snapshotSoon) state.snapshotSoon = setTimeout(refreshSnapshot, 1000);
}

async function signIn(event) {
  event.preventDefault();
  const key = ui.apiKey.value.trim();
  if (!key) {
    setStatus('enter an API key', 'error');
    return;
  }
  if (typeof signalR === 'undefined') {
    setStatus('the SignalR client is missing on the worker (npm ci, then rebuild)', 'error');
    return;
  }
  ui.signInButton.disabled = true;
  setStatus('signing in…');
  try {
    await exchange(key);
  } catch (error) {
    setStatus(error.message, 'error');
    ui.signInButton.disabled = false;
    return;
  }
  apiKey = key;
  ui.apiKey.value = '';
  ui.apiKey.disabled = true;
  ui.signOut.hidden = false;
  state.connection = buildConnection();
  await start();
}

async function signOut() {
  apiKey = null;
  state.token = null;
  clearTimeout(state.refreshTimer);
  clearTimeout(state.retryTimer);
  const connection = state.connection;
  state.connection = null;
  if (connection) await connection.stop();
  ui.apiKey.disabled = false;
  ui.signInButton.disabled = false;
  ui.signOut.hidden = true;
  setStatus('signed out');
}

ui.signIn.addEventListener('submit', signIn);
ui.signOut.addEventListener('click', signOut);
setInterval(tick, 1000);
setInterval(refreshSnapshot, SNAPSHOT_EVERY_MS);
loadConfig().catch((error) => setStatus(`no config: ${error.message}`, 'error'));
