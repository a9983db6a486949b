// log.js: the event log at the bottom of the page. One line per thing that
// happened, from this page ("page") and from the server's narration ("event"
// messages, tagged with the layer that speaks: ice, dtls, srtp, rtp, …),
// with the time since the page was loaded.

import { $, h } from './util.js';

const t0 = performance.now();
const maxLines = 500; // a long session must not grow the page without end

// log adds a line. cls "error" shows it in red; layer tags it.
export function log(text, { cls = '', layer = 'page' } = {}) {
  const list = $('events');
  const time = h('time', {}, ((performance.now() - t0) / 1000).toFixed(3) + 's');
  const tag = h('span', { class: 'layer', 'data-layer': layer }, layer);
  const li = h('li', { class: cls || null }, time, tag, h('span', { class: 'text' }, text));
  // Follow the newest line only when the reader is already at the bottom.
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
  list.append(li);
  while (list.childElementCount > maxLines) list.firstElementChild.remove();
  if (atBottom) list.scrollTop = list.scrollHeight;
}
