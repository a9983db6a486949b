// app.js: the page's controller. It does what any WebRTC sender does, with
// nothing hidden: get the camera, then run sessions (session.js) with the
// server, and show what the server says of them: the timeline of layers
// (timeline.js), the video it receives (media.js), the JPEGs it writes
// (gallery.js), its narration (log.js). When a session ends without the
// user asking, it starts a new one by itself, keeping the camera:
//
//   close code 1001, 1012 (restarting), 1006 (dropped), others: after 1 s, 2 s, 4 s … at most 10 s
//   close code 1013 (try again later, e.g. the server is full): after 15 s
//   close code 1008 and other "the page did wrong" codes: not at all; the user must press Start
//   connectionState "failed" (ICE or DTLS got nowhere): as a dropped socket
//
// ?autostart=1 presses Start when the page loads (the browser tests use it).

import { $, duration } from './util.js';
import { log } from './log.js';
import { Session } from './session.js';
import { endTimeline, reach, reached, resetTimeline, setActive } from './timeline.js';
import { resetMedia, showMedia, stopMedia } from './media.js';
import { addShot } from './gallery.js';
import { cameraError, closeError, noCameraAPI, setBanner } from './banner.js';

const maxBackoffMs = 10000; // backoff: 1 s, 2 s, 4 s, 8 s, 10 s, 10 s…
const laterMs = 15000;      // after close code 1013
const snapshotWaitMs = 8000;

let camera = null;   // the camera's MediaStream: it outlives sessions
let session = null;  // the current Session, if any
let running = false; // from Start until Stop, or until a problem only the user can fix
let live = false;    // the current session carries video
let attempt = 0;     // reconnections since video last flowed
let lastError = '';  // the server's last fatal error: the close that follows is explained by it
let retryTimer = 0;
let retryTick = 0;
let snapshotTimer = 0;
let noticeTimer = 0;

function showState(id, state) {
  const el = $(id);
  el.textContent = state || '–';
  el.dataset.state = state || 'new';
}

// updateButtons enables what makes sense now. A keyframe or a snapshot
// can only come once video flows.
function updateButtons() {
  const open = !!session && session.ws.readyState === WebSocket.OPEN;
  $('start').disabled = running;
  $('stop').disabled = !running;
  $('keyframe').disabled = !(open && live);
  $('snapshot').disabled = !(open && live) || !!snapshotTimer;
}

// notice shows, for a few seconds, something the server refused that does
// not end the session (say, a second snapshot within a second).
function notice(text) {
  const el = $('notice');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { el.hidden = true; }, 6000);
}

async function start() {
  if (running) return;
  running = true;
  attempt = 0;
  updateButtons();
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    const why = noCameraAPI();
    log(why.title, { cls: 'error' });
    fail(why);
    return;
  }
  setBanner('camera', 'Asking for the camera…', 'Allow it if the browser asks.');
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  } catch (err) {
    log('camera: ' + err, { cls: 'error' });
    fail(cameraError(err));
    return;
  }
  if (!running) { // Stop was pressed while the browser asked
    stream.getTracks().forEach((t) => t.stop());
    return;
  }
  camera = stream;
  const track = camera.getVideoTracks()[0];
  track.addEventListener('ended', () => {
    if (running && camera === stream) {
      fail({ title: 'The camera stopped.', detail: 'It was unplugged, or the system took it back. Press Start again.' });
    }
  });
  $('preview').srcObject = camera;
  $('camera-frame').dataset.on = 'true';
  log('camera on: ' + track.label);
  connect();
}

// connect starts a new session with the camera we have.
function connect() {
  clearRetry();
  lastError = '';
  live = false;
  resetTimeline();
  resetMedia();
  setBanner('connecting', 'Connecting…', 'WebSocket, offer and answer, ICE, DTLS: follow them on the timeline.');
  session = new Session(camera, {
    ws: (state) => { showState('ws-state', state); updateButtons(); },
    offer: (msg) => {
      $('step').textContent = msg.step || '';
      $('session').textContent = msg.session ? 'session ' + msg.session : '';
      $('offer').textContent = msg.sdp;
    },
    answer: (sdp) => { $('answer').textContent = sdp; },
    states: (states) => {
      for (const [k, v] of Object.entries(states)) showState(k, v);
    },
    connected: goLive,
    failed: onFailed,
    sending: (text) => { $('sending').textContent = text; },
    message: onMessage,
    closed: onClosed,
  });
  setActive(true);
  updateButtons();
}

// goLive: the server receives video (the browser's connection is up, or
// the server decrypted RTP). A reconnection from now on starts at 1 s.
function goLive() {
  if (!live && session) {
    live = true;
    attempt = 0;
    setBanner('live', 'Live.', 'The server receives this camera’s video.');
  }
  updateButtons();
}

function onMessage(msg) {
  switch (msg.type) {
    case 'milestone':
      reach(msg);
      log(`${msg.name} at ${duration(Number(msg.ms))}${msg.text ? ': ' + msg.text : ''}`, { layer: 'milestone' });
      if (reached('rtp')) goLive();
      return;
    case 'media':
      showMedia(msg);
      return;
    case 'shot':
      if (!addShot(msg)) {
        log('shot with a URL off this server: ignored', { cls: 'error' });
        return;
      }
      // The server's narration says it saved the file; a snapshot is ours.
      if (msg.snapshot) {
        log(`snapshot: ${msg.name}`, { layer: 'jpeg' });
        snapshotDone();
      }
      return;
    case 'event':
      log(String(msg.text), { layer: String(msg.layer || 'server') });
      return;
    case 'error':
      onServerError(msg);
      return;
    default:
      log('unknown message from the server: ' + msg.type);
  }
}

// onServerError shows an error message. A fatal one ends the session: the
// server closes the socket right after, and onClosed decides what next.
function onServerError(msg) {
  const text = String(msg.message || 'unspecified error');
  log('server says: ' + text, { cls: 'error' });
  if (msg.fatal) {
    lastError = text;
    setBanner('error', 'The server is ending the session.', text);
    return;
  }
  notice('The server says: ' + text);
  snapshotDone();
}

// ended clears up after a session, whichever side ended it.
function ended() {
  session = null;
  live = false;
  endTimeline();
  stopMedia();
  snapshotDone();
  $('sending').textContent = 'Not sending.';
}

function onClosed(e) {
  ended();
  log(`WebSocket closed by the server: code ${e.code}${e.reason ? ', ' + e.reason : ''}`, { cls: 'error' });
  if (!running) return;
  const why = closeError(e.code, e.reason, lastError);
  if (why.retry === 'no') {
    fail(why);
    return;
  }
  reconnect(why.retry === 'later' ? laterMs : backoff(), why.title, why.detail);
}

// onFailed: ICE found no working pair, or DTLS did not finish. Usually UDP
// between this browser and the server's port is blocked.
function onFailed(states) {
  log(`connection failed (ICE ${states.iceConnectionState}, connection ${states.connectionState})`, { cls: 'error' });
  session.close(1000, 'connection failed');
  ended();
  reconnect(backoff(), 'The connection failed.',
    'ICE and DTLS could not get through: a firewall may block the server’s UDP port, or the server’s address is not reachable from here.');
}

function backoff() {
  return Math.min(1000 * 2 ** attempt, maxBackoffMs);
}

// reconnect starts a new session after delay ms, counting down on the banner.
function reconnect(delay, title, detail) {
  clearRetry();
  attempt++;
  const at = performance.now() + delay;
  const tick = () => {
    const left = Math.max(0, Math.ceil((at - performance.now()) / 1000));
    setBanner('reconnecting', title, `${detail ? detail + ' ' : ''}Reconnecting in ${left} s…`);
    $('banner').dataset.retryMs = String(delay);
  };
  tick();
  retryTick = setInterval(tick, 1000);
  retryTimer = setTimeout(connect, delay);
  log(`reconnecting in ${duration(delay)}`);
  updateButtons();
}

function clearRetry() {
  clearTimeout(retryTimer);
  clearInterval(retryTick);
  retryTimer = retryTick = 0;
}

// fail stops everything and says why: something the user must fix.
function fail({ title, detail }) {
  halt();
  setBanner('error', title, detail);
}

function stop() {
  halt();
  setBanner('stopped', 'Stopped.', 'Press Start to send the camera again.');
  log('stopped');
}

// halt closes the session, cancels any reconnection and turns the camera off.
function halt() {
  running = false;
  clearRetry();
  if (session) session.close(1000, 'stopped by the user');
  ended();
  if (camera) {
    camera.getTracks().forEach((t) => t.stop());
    camera = null;
  }
  $('preview').srcObject = null;
  $('camera-frame').dataset.on = 'false';
  updateButtons();
}

function takeSnapshot() {
  if (!session) return;
  session.send({ type: 'snapshot' });
  log('snapshot requested');
  $('snapshot').textContent = 'Taking…';
  snapshotTimer = setTimeout(() => {
    snapshotDone();
    notice(`No snapshot came back within ${snapshotWaitMs / 1000} s.`);
  }, snapshotWaitMs);
  updateButtons();
}

function snapshotDone() {
  clearTimeout(snapshotTimer);
  snapshotTimer = 0;
  $('snapshot').textContent = 'Take snapshot';
  updateButtons();
}

$('start').addEventListener('click', start);
$('stop').addEventListener('click', stop);
$('snapshot').addEventListener('click', takeSnapshot);
// The server rate-limits this (one a second) and answers with an error when it cannot.
$('keyframe').addEventListener('click', () => {
  session?.send({ type: 'keyframe' });
  log('keyframe requested');
});
$('retry').addEventListener('click', () => { if (running && !session) connect(); });
// Back online (a phone leaving a dead zone): no need to wait out the delay.
window.addEventListener('online', () => { if (running && retryTimer) connect(); });
if (new URLSearchParams(location.search).get('autostart') === '1') start();
