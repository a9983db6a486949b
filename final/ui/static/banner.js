// banner.js: the status line under the header, and the words for what went
// wrong. The banner's data-state is one of
//
//   idle          nothing started yet
//   camera        asking for the camera
//   connecting    WebSocket, offer, answer, ICE, DTLS under way
//   live          the server receives video
//   reconnecting  the session ended; a new one starts by itself after a delay
//   error         a problem the page cannot fix by retrying: the user must act
//   stopped       the user pressed Stop
//
// and data-retry-ms, while reconnecting, the delay chosen.

import { $ } from './util.js';

// What the small label over the camera says in each state.
const pill = { idle: 'off', camera: 'starting', connecting: 'connecting', live: 'live', reconnecting: 'reconnecting', error: 'off', stopped: 'off' };

// setBanner shows a state with a title and a sentence of detail.
export function setBanner(state, title, detail = '') {
  $('live').textContent = pill[state] || state;
  $('live').dataset.state = state;
  const b = $('banner');
  b.dataset.state = state;
  b.setAttribute('role', state === 'error' ? 'alert' : 'status');
  if (state !== 'reconnecting') delete b.dataset.retryMs;
  $('banner-title').textContent = title;
  $('banner-detail').textContent = detail;
  $('retry').hidden = state !== 'reconnecting';
}

// noCameraAPI explains a browser without navigator.mediaDevices: almost
// always a page loaded over http from another address than localhost,
// where browsers hide the camera (W3C Secure Contexts).
export function noCameraAPI() {
  if (!window.isSecureContext) {
    return {
      title: 'The camera needs https or localhost.',
      detail: `This page came over http from ${location.host}, so the browser hides the camera. ` +
        'Start the server with -https and open the https:// address (accept its self-signed certificate once).',
    };
  }
  return { title: 'This browser cannot capture the camera.', detail: 'It has no navigator.mediaDevices.getUserMedia. Try a current Chromium, Chrome, Firefox or Safari.' };
}

// cameraError explains a getUserMedia rejection. The names are those of
// W3C Media Capture and Streams §10; older browsers used others.
export function cameraError(err) {
  const name = err && err.name;
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return {
        title: 'Camera access was refused.',
        detail: 'Allow the camera for this page (the camera icon in the address bar, or the site settings) and press Start again.',
      };
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return {
        title: 'No camera found.',
        detail: 'Connect a camera and press Start again, or open this page on a phone (the server’s https:// address).',
      };
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return {
        title: 'The camera is busy.',
        detail: 'Another application or browser tab is using it. Close that one and press Start again.',
      };
    default:
      return { title: 'The camera could not start.', detail: String(err && err.message ? `${name}: ${err.message}` : err) };
  }
}

// Close codes of RFC 6455 §7.4.1 and the IANA registry that mean "the page
// sent something wrong": retrying would fail the same way.
const noRetry = new Set([1003, 1007, 1008, 1009, 1010]);

// closeError explains a WebSocket the page did not close, given the last
// error message the server sent before closing it, and says whether and
// how to come back: retry is 'no', 'backoff' (1 s, 2 s, 4 s … 10 s) or
// 'later' (the server is full: a longer wait).
export function closeError(code, reason, lastError) {
  const why = lastError || reason || '';
  if (noRetry.has(code)) {
    return {
      retry: 'no',
      title: 'The server ended the session.',
      detail: (why ? `It said: “${why}”. ` : `Close code ${code}. `) + 'Not reconnecting: press Start to try again.',
    };
  }
  switch (code) {
    case 1001:
    case 1012:
      return { retry: 'backoff', title: 'The server is restarting.', detail: why ? `It said: “${why}”.` : '' };
    case 1013:
      return { retry: 'later', title: 'The server is busy.', detail: why ? `It said: “${why}”.` : 'It asked to try again later.' };
    case 1006:
      return {
        retry: 'backoff',
        title: 'The connection to the server dropped.',
        detail: 'No close message came: the server stopped, or the network changed.',
      };
    default:
      return {
        retry: 'backoff',
        title: 'The server closed the connection.',
        detail: (why ? `It said: “${why}”. ` : '') + `Close code ${code}.`,
      };
  }
}
