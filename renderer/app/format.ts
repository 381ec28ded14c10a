/** Number, rate, time and duration formatting shared by every view. Locale-stable (en-US grouping). */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** 8400 → "8,400"; 2.46 → "2.5"; 0 → "0". Under 10 keeps one decimal so small tenants are not all "0". */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  if (Math.abs(v) < 10) return oneDecimal.format(v);
  return grouped.format(v);
}

/** Whole counts: 1 → "1", 6013 → "6,013". */
export function formatCount(v: number): string {
  return Number.isFinite(v) ? grouped.format(Math.round(v)) : '—';
}

/** Table figure: "8,400/s", "2.5/s"; ≥ 100k switches to compact ("123k/s", "1.2M/s") to keep columns narrow. */
export function formatRate(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 100_000) return `${formatCompact(v)}/s`;
  return `${formatNumber(v)}/s`;
}

/** Chart axes and tight spots: "1.2k/s", "850/s", "12/s", "1.2M/s". */
export function formatRateCompact(v: number): string {
  return `${formatCompact(v)}/s`;
}

export function formatCompact(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  const sign = v < 0 ? '-' : '';
  const unit = (x: number, suffix: string) => {
    const s = x < 10 ? x.toFixed(1).replace(/\.0$/, '') : String(Math.round(x));
    return `${sign}${s}${suffix}`;
  };
  if (a >= 1e9) return unit(a / 1e9, 'G');
  if (a >= 1e6) return unit(a / 1e6, 'M');
  if (a >= 1e3) return unit(a / 1e3, 'k');
  if (a === 0) return '0';
  if (a < 10) return `${sign}${a.toFixed(1).replace(/\.0$/, '')}`;
  return `${sign}${Math.round(a)}`;
}

/** 0.62 → "62%"; 0.004 → "<1%"; 0 → "0%"; 2.1 → "210%". */
export function formatPercent(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return '—';
  if (fraction === 0) return '0%';
  if (fraction > 0 && fraction < 0.01) return '<1%';
  return `${grouped.format(fraction * 100)}%`;
}

/** 14.2 → "14×"; 1 → "1.0×"; 0.93 → "0.9×". */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return '—';
  if (r >= 10) return `${grouped.format(r)}×`;
  return `${oneDecimal.format(r)}×`;
}

/** 850 → "850 ms"; 1300 → "1.3 s"; 42_000 → "42 s"; 900_000 → "15 min"; 5_400_000 → "1 h 30 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const totalMin = Math.round(ms / 60_000);
  if (totalMin < 60) return `${totalMin} min`;
  const days = Math.floor(totalMin / 1440);
  const hours = Math.floor((totalMin % 1440) / 60);
  const min = totalMin % 60;
  if (days > 0) return hours ? `${days} d ${hours} h` : `${days} d`;
  return min ? `${hours} h ${min} min` : `${hours} h`;
}

/** "12 s ago", "3 min ago", "in 14 min" relative to now. */
export function formatRelative(at: number, now: number): string {
  const d = at - now;
  if (Math.abs(d) < 1500) return 'now';
  const text = formatDuration(Math.abs(d)).replace(/^(\d+)\.\d s$/, '$1 s');
  return d < 0 ? `${text} ago` : `in ${text}`;
}

const two = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock "14:03:27". */
export function formatClock(at: number): string {
  const d = new Date(at);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Local "14:03" for chart axes. */
export function formatClockShort(at: number): string {
  const d = new Date(at);
  return `${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** Local "2024-05-01 14:03:27" for tables where the day matters. */
export function formatDateTime(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${formatClock(at)}`;
}

/**
 * The effect line of a flip: "acme: 8,400 → 0 ev/s in 1.3 s". An effect judged without settling is a
 * kill that did not bring traffic down (the core gives up after 30 s), so it says that plainly:
 * "acme: still 8,350 ev/s 30 s after the switch (was 8,400) — traffic did not stop".
 */
export function formatEffect(
  tenant: string,
  effect: { before: number; after: number; ms: number; settled: boolean },
): string {
  if (!effect.settled) {
    return `${tenant}: still ${formatNumber(effect.after)} ev/s ${formatDuration(effect.ms)} after the switch (was ${formatNumber(effect.before)}) — traffic did not stop`;
  }
  return `${tenant}: ${formatNumber(effect.before)} → ${formatNumber(effect.after)} ev/s in ${formatDuration(effect.ms)}`;
}

/** A flag value as text: true → "on", false → "off", strings quoted only when empty. */
export function formatFlagValue(v: boolean | string | number | null): string {
  if (v === null) return '—';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'number') return formatNumber(v);
  return v === '' ? '""' : v;
}

/** Bytes in binary units, as RabbitMQ's own UI says them: "512 B", "64 KiB", "1.2 GiB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const text = i === 0 || v >= 10 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '');
  return `${n < 0 ? '-' : ''}${text} ${units[i]}`;
}

/** How soon, approximately: "~40 s", "~9 min", "~3 h" (the core's "memory alarm in ~9 min"). */
export function formatSoon(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 90) return `~${Math.max(10, Math.round(seconds / 10) * 10)} s`;
  const min = Math.round(seconds / 60);
  if (min < 90) return `~${min} min`;
  return `~${Math.round(min / 60)} h`;
}
