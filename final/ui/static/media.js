// media.js: the "Video at the server" panel, from the "media" message the
// server sends once a second while video flows: what it received, lost,
// recovered with NACKs, asked for with PLI and FIR, and turned into JPEGs.
// Every count is a total for the session; bitrate and fps cover the last
// second. Each value sits in an element with data-stat="<field>".

import { $, count, bytes, bitrate } from './util.js';

const history = []; // bitrate of the last 60 reports, for the sparkline
let updated = 0;    // performance.now() of the last report
let ageTimer = 0;

function set(name, text) {
  for (const el of document.querySelectorAll(`#media [data-stat="${name}"]`)) el.textContent = text;
}

// showMedia shows one "media" message.
export function showMedia(m) {
  set('resolution', m.width && m.height ? `${m.width}×${m.height}` : '–');
  set('fps', Number.isFinite(m.fps) ? `${count(m.fps)} fps` : '–');
  set('bitrate', bitrate(m.bitrate));
  for (const k of ['frames', 'keyframes', 'packets', 'lost', 'recovered', 'nacks', 'plis', 'firs', 'jpegs', 'skipped']) {
    set(k, count(m[k]));
  }
  set('bytes', bytes(m.bytes));
  // Lost packets are the ones NACKs did not bring back: worth a colour.
  $('media').querySelector('[data-stat="lost"]').closest('.tile').dataset.warn = m.lost > 0 ? 'true' : 'false';
  history.push(Number(m.bitrate) || 0);
  if (history.length > 60) history.shift();
  drawSpark();
  updated = performance.now();
  $('media').dataset.updated = String(Number($('media').dataset.updated) + 1);
  showAge();
  clearInterval(ageTimer);
  ageTimer = setInterval(showAge, 1000);
}

// drawSpark draws the bitrate history as a line, scaled to its maximum.
function drawSpark() {
  const max = Math.max(...history, 1);
  const step = history.length > 1 ? 60 / (history.length - 1) : 0;
  const points = history.map((v, i) => `${(i * step).toFixed(1)},${(19 - (v / max) * 18).toFixed(1)}`);
  $('spark').querySelector('polyline').setAttribute('points', points.join(' '));
}

// showAge says how old the figures are: a server that stopped sending
// them has stopped receiving video.
function showAge() {
  const age = (performance.now() - updated) / 1000;
  const el = $('media-age');
  el.textContent = age < 2.5 ? 'live, every second' : `last update ${Math.round(age)} s ago`;
  el.dataset.stale = age < 2.5 ? 'false' : 'true';
}

// stopMedia freezes the panel when the session ends, keeping its last figures.
export function stopMedia() {
  clearInterval(ageTimer);
  if (updated) {
    $('media-age').textContent = 'session ended';
    $('media-age').dataset.stale = 'true';
  }
}

// resetMedia empties the panel for a new session.
export function resetMedia() {
  clearInterval(ageTimer);
  updated = 0;
  history.length = 0;
  drawSpark();
  for (const el of document.querySelectorAll('#media [data-stat]')) el.textContent = '–';
  $('media').dataset.updated = '0';
  $('media').querySelector('[data-stat="lost"]').closest('.tile').dataset.warn = 'false';
  $('media-age').textContent = 'waiting for media';
  $('media-age').dataset.stale = 'false';
}
