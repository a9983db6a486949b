// timeline.js: the session's layers, one above the other, from the
// "milestone" messages the server sends as each is reached:
//
//   {"type":"milestone","name":"dtls","ms":412,"text":"TLS_ECDHE_…, SRTP_AEAD_AES_128_GCM"}
//
// ms counts from the moment the server accepted this WebSocket. Layers not
// reached yet are greyed; the next one to come is marked as current while
// the session is alive. Each item carries data-milestone="<name>" and
// data-reached="true|false" (the tests read them).

import { $, h, duration } from './util.js';

// The layers in the order a session reaches them, with what each means.
export const milestones = [
  { name: 'websocket', label: 'WebSocket', hint: 'the server accepted the signaling socket' },
  { name: 'offer', label: 'SDP offer', hint: 'the server wrote its offer' },
  { name: 'answer', label: 'SDP answer', hint: 'the server accepted this browser’s answer' },
  { name: 'ice', label: 'ICE', hint: 'a candidate pair: the UDP path for media' },
  { name: 'dtls', label: 'DTLS', hint: 'handshake done: keys for SRTP' },
  { name: 'rtp', label: 'First RTP', hint: 'the first video packet decrypted' },
  { name: 'keyframe', label: 'First keyframe', hint: 'a whole VP8 keyframe reassembled' },
  { name: 'jpeg', label: 'First JPEG', hint: 'decoded and written to disk' },
];

const reachedAt = new Map(); // name → ms

function item(m) {
  return h('li', { 'data-milestone': m.name, 'data-reached': 'false' },
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    h('div', { class: 'what' },
      h('div', { class: 'head' }, h('span', { class: 'label' }, m.label), h('time', { class: 'at' }, '')),
      h('span', { class: 'detail' }, m.hint)));
}

// breakable lets a long identifier such as a cipher suite name wrap after
// its underscores rather than anywhere.
function breakable(text) {
  const parts = [];
  text.split('_').forEach((word, i, all) => {
    parts.push(i < all.length - 1 ? word + '_' : word);
    if (i < all.length - 1) parts.push(h('wbr'));
  });
  return parts;
}

// resetTimeline greys every layer again, for a new session.
export function resetTimeline() {
  reachedAt.clear();
  $('timeline').replaceChildren(...milestones.map(item));
  $('timeline').dataset.ended = 'false';
  $('timeline-total').textContent = '';
  setActive(false);
}

// endTimeline keeps the layers an ended session reached, faded: they are
// history until the next session starts.
export function endTimeline() {
  setActive(false);
  if (reachedAt.size) $('timeline').dataset.ended = 'true';
}

// setActive marks the next layer to come as current (a pulsing dot) while
// a session is alive, and marks nothing once it has ended.
export function setActive(active) {
  const list = $('timeline');
  for (const li of list.children) li.removeAttribute('data-current');
  if (!active) return;
  const next = [...list.children].find((li) => li.dataset.reached !== 'true');
  if (next) next.dataset.current = 'true';
}

// reached reports whether the server said the session got to a layer.
export const reached = (name) => reachedAt.has(name);

// reach shows a milestone message. A name this page does not know (a newer
// server's) is added at the end rather than dropped.
export function reach(msg, active = true) {
  const name = String(msg.name || '');
  if (!name) return;
  let li = $('timeline').querySelector(`li[data-milestone="${CSS.escape(name)}"]`);
  if (!li) {
    li = item({ name, label: name, hint: '' });
    $('timeline').append(li);
  }
  const ms = Number(msg.ms);
  reachedAt.set(name, ms);
  li.dataset.reached = 'true';
  li.querySelector('.at').textContent = Number.isFinite(ms) ? duration(ms) : '';
  li.querySelector('.at').setAttribute('datetime', Number.isFinite(ms) ? `PT${(ms / 1000).toFixed(3)}S` : '');
  const detail = li.querySelector('.detail');
  const text = msg.text ? String(msg.text) : '';
  if (name === 'dtls' && text.includes(', ')) {
    // "cipher suite, SRTP protection profile": one chip each.
    detail.replaceChildren(...text.split(', ').map((part) => h('code', { class: 'chip' }, ...breakable(part))));
  } else if (text) {
    detail.replaceChildren(h('code', {}, text));
  }
  // Time from the previous layer reached: where a session spends its time.
  const before = [...reachedAt.entries()].filter(([n, t]) => n !== name && t <= ms).map(([, t]) => t);
  if (before.length) li.title = `+${duration(ms - Math.max(...before))} after the previous layer`;
  if (name === 'jpeg' && Number.isFinite(ms)) {
    $('timeline-total').textContent = `camera to JPEG in ${duration(ms)}`;
  }
  setActive(active);
}

resetTimeline();
