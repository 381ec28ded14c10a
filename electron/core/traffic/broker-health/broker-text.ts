/** Numbers and durations as the broker panel and banner say them. */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 6013 → "6,013" */
export function formatCount(n: number): string {
  return grouped.format(n);
}

/** Channels per second: "+171/s", "2.5/s", "+0.40/s", "0/s" */
export function formatPerSec(n: number, signed = false): string {
  const sign = n < 0 ? '−' : signed ? '+' : '';
  return `${sign}${perSecDigits(Math.abs(n))}/s`;
}

function perSecDigits(abs: number): string {
  if (abs === 0) return '0';
  if (abs >= 10) return grouped.format(abs);
  if (abs >= 1) return abs.toFixed(1).replace(/\.0$/, '');
  return abs.toFixed(2); // a leak of 0.25/s matters
}

/** A span of time in words: "35 s", "4 min", "1 h 20 min" */
export function formatSpan(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min`;
  const h = Math.floor(min / 60);
  const rest = min % 60;
  return rest === 0 ? `${h} h` : `${h} h ${rest} min`;
}

/** How soon, approximately: "~40 s", "~9 min", "~3 h" */
export function formatSoon(seconds: number): string {
  if (seconds < 90) return `~${Math.max(10, Math.round(seconds / 10) * 10)} s`;
  const min = Math.round(seconds / 60);
  if (min < 90) return `~${min} min`;
  return `~${Math.round(min / 60)} h`;
}

/** Bytes in binary units: "64 KiB", "1.2 GiB" */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 || Math.abs(v) >= 10 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
