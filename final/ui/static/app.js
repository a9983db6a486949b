// The page's side of WebRTC Nuts and Bolts. It does what any WebRTC sender
// does, with nothing hidden: get the camera, take the server's offer over a
// WebSocket, attach the camera to the transceiver the offer created, answer,
// and report every state change back to the server, whose log shows it.

const $ = (id) => document.getElementById(id);
const t0 = performance.now();

let ws = null;      // the signaling WebSocket
let pc = null;      // the RTCPeerConnection
let camera = null;  // the camera's MediaStream
let statsTimer = 0; // interval that shows what the browser is sending

// log adds a line to the page's event log.
function log(text, cls = '') {
  const li = document.createElement('li');
  if (cls) li.className = cls;
  const time = document.createElement('time');
  time.textContent = ((performance.now() - t0) / 1000).toFixed(3) + 's';
  li.append(time, text);
  $('events').append(li);
  li.scrollIntoView({ block: 'nearest' });
}

function show(id, state) {
  const el = $(id);
  el.textContent = state || '–';
  el.dataset.state = state || 'new';
}

function send(msg) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
}

// report sends the four RTCPeerConnection states to the server and shows them.
function report() {
  if (!pc) return;
  const state = {
    signalingState: pc.signalingState,
    iceGatheringState: pc.iceGatheringState,
    iceConnectionState: pc.iceConnectionState,
    connectionState: pc.connectionState,
  };
  for (const [k, v] of Object.entries(state)) show(k, v);
  $('keyframe').disabled = pc.connectionState !== 'connected';
  send({ type: 'state', ...state });
}

async function start() {
  $('start').disabled = true;
  $('stop').disabled = false;
  try {
    camera = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    $('preview').srcObject = camera;
    log('camera on: ' + camera.getVideoTracks()[0].label);
  } catch (err) {
    log('camera: ' + err, 'error');
    stop();
    return;
  }
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  ws = new WebSocket(url);
  show('ws-state', 'connecting');
  ws.onopen = () => { show('ws-state', 'open'); log('WebSocket open: ' + url); };
  ws.onclose = (e) => {
    show('ws-state', 'closed');
    log('WebSocket closed' + (e.reason ? ': ' + e.reason : ''), e.code === 1000 || e.code === 1005 ? '' : 'error');
  };
  ws.onmessage = (e) => handle(JSON.parse(e.data)).catch((err) => log(String(err), 'error'));
}

// showShot shows the JPEG file the server says it saved ("saved shoot3.jpg
// (640×480)"), served from its output folder at /shots/.
function showShot(msg) {
  const m = msg.layer === 'jpeg' && /saved (shoot\d+\.jpg)/.exec(msg.text);
  if (!m) return;
  const fig = $('shot');
  fig.querySelector('img').src = '/shots/' + m[1];
  fig.querySelector('figcaption').textContent = msg.text;
  fig.hidden = false;
}

async function handle(msg) {
  switch (msg.type) {
    case 'offer': return onOffer(msg);
    case 'event':
      showShot(msg);
      return log(`[${msg.layer}] ${msg.text}`);
    case 'error': return log('server says: ' + msg.message, 'error');
    default: log('unknown message from server: ' + msg.type);
  }
}

async function onOffer(msg) {
  $('step').textContent = msg.step || '';
  $('session').textContent = 'session ' + msg.session;
  $('offer').textContent = msg.sdp;
  log(`offer received (session ${msg.session})`);
  pc = new RTCPeerConnection({ iceServers: msg.iceServers || [] });
  for (const ev of ['signalingstatechange', 'icegatheringstatechange', 'iceconnectionstatechange', 'connectionstatechange']) {
    pc.addEventListener(ev, () => { report(); log(ev.replace('change', '') + ': ' + pcState(ev)); });
  }
  pc.onicecandidate = (e) => {
    const c = e.candidate;
    if (c && c.candidate) log('local candidate: ' + c.candidate);
    send({ type: 'candidate', candidate: c ? c.candidate : '', sdpMid: c ? c.sdpMid : null, sdpMLineIndex: c ? c.sdpMLineIndex : null });
  };
  await pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
  // The offer's recvonly video section created a transceiver. Put the camera
  // on it and make it send: the answer then says a=sendonly.
  const [transceiver] = pc.getTransceivers();
  if (transceiver && camera) {
    const track = camera.getVideoTracks()[0];
    await transceiver.sender.replaceTrack(track);
    transceiver.sender.setStreams?.(camera);
    transceiver.direction = 'sendonly';
  }
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  $('answer').textContent = pc.localDescription.sdp;
  send({ type: 'answer', sdp: pc.localDescription.sdp });
  log('answer sent');
  report();
  statsTimer = setInterval(showStats, 1000);
}

function pcState(ev) {
  return { signalingstatechange: pc.signalingState, icegatheringstatechange: pc.iceGatheringState,
    iceconnectionstatechange: pc.iceConnectionState, connectionstatechange: pc.connectionState }[ev];
}

// showStats shows what the browser reports it is sending (W3C webrtc-stats, outbound-rtp).
async function showStats() {
  if (!pc) return;
  const stats = await pc.getStats();
  const report = { type: 'stats' };
  stats.forEach((s) => {
    if (s.type === 'outbound-rtp' && s.kind === 'video') {
      const size = s.frameWidth ? `${s.frameWidth}x${s.frameHeight}, ` : '';
      $('sending').textContent = `Sending ${size}${s.framesEncoded || 0} frames (${s.keyFramesEncoded || 0} keyframes, ${s.pliCount || 0} asked for by PLI), ${Math.round((s.bytesSent || 0) / 1024)} KiB`;
      Object.assign(report, { framesEncoded: s.framesEncoded || 0, keyFramesEncoded: s.keyFramesEncoded || 0,
        pliCount: s.pliCount || 0, nackCount: s.nackCount || 0 });
    }
    // What the browser learned from our receiver reports (RFC 3550 §6.4).
    if (s.type === 'remote-inbound-rtp' && s.kind === 'video') {
      if (s.roundTripTime !== undefined) report.roundTripTime = s.roundTripTime;
      if (s.fractionLost !== undefined) report.fractionLost = s.fractionLost;
    }
  });
  if (report.framesEncoded !== undefined) send(report);
}

function stop() {
  clearInterval(statsTimer);
  if (pc) { pc.close(); report(); pc = null; }
  if (ws) { ws.close(1000, 'stopped by the user'); ws = null; }
  if (camera) { camera.getTracks().forEach((t) => t.stop()); camera = null; }
  $('preview').srcObject = null;
  $('sending').textContent = 'Not sending.';
  $('start').disabled = false;
  $('stop').disabled = true;
  $('keyframe').disabled = true;
}

$('start').onclick = start;
$('stop').onclick = stop;
// The server rate-limits this (one a second) and answers with an error when it cannot.
$('keyframe').onclick = () => { send({ type: 'keyframe' }); log('keyframe requested'); };
if (new URLSearchParams(location.search).get('autostart') === '1') start();
