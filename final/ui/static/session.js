// session.js: one attempt at a session, with nothing hidden: a signaling
// WebSocket to /ws, the server's SDP offer on it, an RTCPeerConnection set
// up from that offer with the camera on its transceiver, the answer sent
// back, every ICE candidate trickled and every state change reported to
// the server, whose log shows them. Once a second it also reports what the
// browser says it sends (webrtc-stats). When the session ends, a new
// Session is made: a new WebSocket and a new RTCPeerConnection, but the
// same camera stream, which app.js keeps.
//
// Session touches no element of the page itself: it tells app.js what
// happens through the callbacks in `on`.

import { log } from './log.js';

export class Session {
  // on: { ws(state), offer(msg), answer(sdp), states(states), connected(),
  //       failed(states), sending(text), message(msg), closed(CloseEvent) }
  constructor(camera, on) {
    this.camera = camera;
    this.on = on;
    this.pc = null;
    this.statsTimer = 0;
    this.ended = false;   // closed by either side: no more callbacks
    this.failed = false;  // connection failure reported once
    this.url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
    this.ws = new WebSocket(this.url);
    on.ws('connecting');
    this.ws.onopen = () => {
      on.ws('open');
      log('WebSocket open: ' + this.url);
    };
    // The server closed the socket, or it broke: there is no session any more.
    this.ws.onclose = (e) => {
      if (this.ended) return;
      this.teardown();
      on.ws('closed');
      on.closed(e);
    };
    this.ws.onmessage = (e) => this.handle(e.data);
  }

  // send writes a message if the socket is open; it drops it otherwise.
  send(msg) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  async handle(data) {
    if (this.ended) return;
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      log('not JSON from the server: ' + String(data).slice(0, 80), { cls: 'error' });
      return;
    }
    if (msg.type !== 'offer') {
      try {
        this.on.message(msg);
      } catch (err) {
        log(`showing a "${msg.type}" message: ${err}`, { cls: 'error' });
      }
      return;
    }
    try {
      await this.answer(msg);
    } catch (err) {
      log('could not answer the offer: ' + err, { cls: 'error' });
    }
  }

  // answer sets up the RTCPeerConnection from the server's offer (JSEP,
  // RFC 8829 §5.3) and sends the answer.
  async answer(msg) {
    if (this.pc) {
      log('a second offer on the same socket: ignored', { cls: 'error' });
      return;
    }
    this.on.offer(msg);
    log(`offer received (session ${msg.session})`);
    const pc = new RTCPeerConnection({ iceServers: msg.iceServers || [] });
    this.pc = pc;
    const names = {
      signalingstatechange: () => pc.signalingState,
      icegatheringstatechange: () => pc.iceGatheringState,
      iceconnectionstatechange: () => pc.iceConnectionState,
      connectionstatechange: () => pc.connectionState,
    };
    for (const [ev, state] of Object.entries(names)) {
      pc.addEventListener(ev, () => {
        if (this.pc !== pc) return;
        this.report();
        log(ev.replace('change', '') + ': ' + state());
        this.watch();
      });
    }
    pc.onicecandidate = (e) => {
      const c = e.candidate;
      if (c && c.candidate) log('local candidate: ' + c.candidate);
      this.send({ type: 'candidate', candidate: c ? c.candidate : '', sdpMid: c ? c.sdpMid : null, sdpMLineIndex: c ? c.sdpMLineIndex : null });
    };
    await pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
    // The offer's recvonly video section created a transceiver. Put the camera
    // on it and make it send: the answer then says a=sendonly.
    const [transceiver] = pc.getTransceivers();
    if (transceiver && this.camera) {
      const track = this.camera.getVideoTracks()[0];
      await transceiver.sender.replaceTrack(track);
      transceiver.sender.setStreams?.(this.camera);
      transceiver.direction = 'sendonly';
    }
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    if (this.ended) return;
    this.on.answer(pc.localDescription.sdp);
    this.send({ type: 'answer', sdp: pc.localDescription.sdp });
    log('answer sent');
    this.report();
    this.statsTimer = setInterval(() => this.stats().catch(() => {}), 1000);
  }

  states() {
    const pc = this.pc;
    return {
      signalingState: pc.signalingState,
      iceGatheringState: pc.iceGatheringState,
      iceConnectionState: pc.iceConnectionState,
      connectionState: pc.connectionState,
    };
  }

  // report sends the four RTCPeerConnection states to the server and shows them.
  report() {
    if (!this.pc) return;
    const states = this.states();
    this.on.states(states);
    this.send({ type: 'state', ...states });
  }

  // watch tells app.js when the connection is up, or has failed: ICE found
  // no pair that works, or DTLS did not complete. Browsers older than
  // connectionState (Firefox before 113) only have iceConnectionState.
  watch() {
    const s = this.states();
    if (s.connectionState === 'connected') this.on.connected();
    if (!this.failed && (s.connectionState === 'failed' || s.iceConnectionState === 'failed')) {
      this.failed = true;
      this.on.failed(s);
    }
  }

  // stats reports what the browser says it is sending (W3C webrtc-stats,
  // outbound-rtp), and what it learned from our receiver reports.
  async stats() {
    if (!this.pc) return;
    const stats = await this.pc.getStats();
    if (this.ended) return;
    const report = { type: 'stats' };
    stats.forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') {
        const size = s.frameWidth ? `${s.frameWidth}×${s.frameHeight}, ` : '';
        this.on.sending(`Sending ${size}${s.framesEncoded || 0} frames (${s.keyFramesEncoded || 0} keyframes, ${s.pliCount || 0} asked for by PLI), ${Math.round((s.bytesSent || 0) / 1024)} KiB`);
        Object.assign(report, { framesEncoded: s.framesEncoded || 0, keyFramesEncoded: s.keyFramesEncoded || 0,
          pliCount: s.pliCount || 0, nackCount: s.nackCount || 0 });
      }
      // What the browser learned from our receiver reports (RFC 3550 §6.4).
      if (s.type === 'remote-inbound-rtp' && s.kind === 'video') {
        if (s.roundTripTime !== undefined) report.roundTripTime = s.roundTripTime;
        if (s.fractionLost !== undefined) report.fractionLost = s.fractionLost;
      }
    });
    if (report.framesEncoded !== undefined) this.send(report);
  }

  // teardown closes the RTCPeerConnection, telling the server its last state.
  teardown() {
    this.ended = true;
    clearInterval(this.statsTimer);
    if (this.pc) {
      this.pc.close();
      this.report();
      this.pc = null;
    }
  }

  // close ends the session from this side; no callback follows.
  close(code = 1000, reason = '') {
    if (this.ended) return;
    this.teardown();
    this.ws.onclose = null;
    this.ws.close(code, reason);
    this.on.ws('closed');
  }
}
