// util.js: small helpers the other modules share: finding and building
// elements, and writing numbers, sizes and durations for people to read.

export const $ = (id) => document.getElementById(id);

// h builds an element: h('a', {href: '/x', class: 'y'}, 'text', child…).
// Attributes whose value is null or undefined are left out; text children
// become text nodes, so nothing from the server is ever parsed as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== null && v !== undefined) el.setAttribute(k, v);
  }
  el.append(...children.filter((c) => c !== null && c !== undefined));
  return el;
}

const integer = new Intl.NumberFormat('en');

// count writes an integer with separators: 12,345.
export function count(n) {
  return Number.isFinite(n) ? integer.format(Math.round(n)) : '–';
}

// duration writes milliseconds: "0 ms", "850 ms", "1.24 s", "2 min 03 s".
export function duration(ms) {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

// bytes writes a size in binary units: "812 B", "34.1 KiB", "1.20 MiB".
export function bytes(n) {
  if (!Number.isFinite(n)) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

// bitrate writes bits per second in decimal units, as networks count them.
export function bitrate(bps) {
  if (!Number.isFinite(bps)) return '–';
  if (bps < 1000) return `${Math.round(bps)} b/s`;
  if (bps < 1e6) return `${Math.round(bps / 1000)} kb/s`;
  return `${(bps / 1e6).toFixed(2)} Mb/s`;
}

// clock writes the local time of day: 14:03:07.
export function clock(date = new Date()) {
  return date.toLocaleTimeString('en-GB', { hour12: false });
}
