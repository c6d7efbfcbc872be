// Display helpers. Amounts are shown as the engine wrote them: no arithmetic on money here.

export function dollars(text: string | null | undefined): string {
  if (text === null || text === undefined) return '—';
  return text.startsWith('-') ? `−$${text.slice(1)}` : `$${text}`;
}

/** A signed amount: "+$1.20", "−$0.40"; its sign class for colour. */
export function signed(text: string | null | undefined): { text: string; sign: 'pos' | 'neg' | 'zero' } {
  if (text === null || text === undefined) return { text: '—', sign: 'zero' };
  if (text.startsWith('-')) return { text: `−$${text.slice(1)}`, sign: 'neg' };
  if (/^[0.]*$/.test(text)) return { text: `$${text}`, sign: 'zero' };
  return { text: `+$${text}`, sign: 'pos' };
}

export function or(text: string | null | undefined, fallback = '—'): string {
  return text === null || text === undefined || text === '' ? fallback : text;
}

export function clock(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  return t.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  return t.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** "3 s ago", "2 min ago" from a time and the page's now. */
export function age(fromMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.floor(m / 60)} h ${m % 60} min ago`;
}

/** The fill ratio for a progress bar (display only). */
export function ratio(filled: string, total: string): number {
  const f = Number(filled);
  const t = Number(total);
  return t > 0 && Number.isFinite(f) ? Math.min(1, Math.max(0, f / t)) : 0;
}

export function words(text: string): string {
  return text.replaceAll('_', ' ');
}
