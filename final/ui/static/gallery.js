// gallery.js: the JPEG files the server writes from this camera's
// keyframes, from its "shot" messages:
//
//   {"type":"shot","name":"shoot3.jpg","url":"/shots/shoot3.jpg","width":640,"height":480,
//    "bytes":34567,"snapshot":true,"ms":5120}
//
// Each goes to the top of the gallery (#gallery, newest first, at most
// maxThumbs kept in the page), and into the big "Snapshot" frame: a
// snapshot the user asked for (snapshot=true) always, an automatic one
// only while no snapshot has come yet. The gallery lasts as long as the
// page: the files stay on the server when a session ends.

import { $, h, bytes, clock } from './util.js';

const maxThumbs = 50;
let total = 0;        // shots received by this page
let haveSnap = false; // a snapshot the user asked for is in the frame

// sameOrigin returns the shot's URL if it points into this server, else
// null: the page links only to the server's own files.
function sameOrigin(url) {
  try {
    const u = new URL(String(url), location.href);
    return u.origin === location.origin ? u.pathname + u.search : null;
  } catch {
    return null;
  }
}

// addShot shows one "shot" message; it returns false if the message
// names no file of this server.
export function addShot(shot) {
  const url = sameOrigin(shot.url);
  if (!url) return false;
  const name = String(shot.name || url.split('/').pop());
  const size = shot.width && shot.height ? `${shot.width}×${shot.height}` : '';
  const when = clock();
  total++;

  const img = h('img', { src: url, alt: `${name}${size ? ', ' + size : ''}`, loading: 'lazy', decoding: 'async',
    width: shot.width || null, height: shot.height || null });
  const li = h('li', { 'data-name': name, 'data-snapshot': shot.snapshot ? 'true' : 'false' },
    h('a', { href: url, target: '_blank', rel: 'noopener', title: `open ${name}` }, img),
    h('div', { class: 'cap' },
      h('span', { class: 'name' }, name),
      h('span', { class: 'meta' }, [bytes(shot.bytes), when].filter((s) => s && s !== '–').join(' · '))),
    shot.snapshot ? h('span', { class: 'tag' }, 'snapshot') : null);
  const list = $('gallery');
  list.prepend(li);
  while (list.childElementCount > maxThumbs) list.lastElementChild.remove();
  $('gallery-count').textContent = total > maxThumbs ? `${total} files, the newest ${maxThumbs} shown` : `${total} file${total === 1 ? '' : 's'}`;

  if (shot.snapshot || !haveSnap) showInFrame(shot, name, url, size, when);
  return true;
}

// showInFrame puts a shot into the big frame.
function showInFrame(shot, name, url, size, when) {
  haveSnap ||= !!shot.snapshot;
  const fig = $('shot');
  fig.dataset.name = name;
  fig.dataset.snapshot = shot.snapshot ? 'true' : 'false';
  const link = $('shot-link');
  link.href = url;
  link.hidden = false;
  const img = $('shot-img');
  img.src = url;
  img.alt = `${shot.snapshot ? 'snapshot' : 'the latest JPEG'} ${name}${size ? ', ' + size : ''}, as the server decoded it`;
  const cap = $('shot-caption');
  cap.className = 'caption';
  cap.textContent = shot.snapshot ? 'Your snapshot, decoded by the server from a fresh keyframe.' : 'The latest JPEG the server saved. Take a snapshot for one of your own.';
  $('shot-h').textContent = shot.snapshot ? 'Snapshot' : 'Latest JPEG';
  $('shot-meta').textContent = [name, size, bytes(shot.bytes), when].filter((s) => s && s !== '–').join(' · ');
  if (shot.snapshot) {
    // Replay the highlight animation for each new snapshot.
    fig.classList.remove('flash');
    void fig.offsetWidth;
    fig.classList.add('flash');
  }
}
