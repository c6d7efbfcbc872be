// The side panels: whale queue and two-leg operations (each only when this engine serves them),
// reconciliation and alerts.

import { byId, el, show, syncRows, type Cell } from './dom';
import { clock, or, words } from './format';
import type { Alert, ArbOperation, ReconciliationReport, State } from './wire';

/** The whale queue's rows, whatever their exact shape: the answer may be a list or hold one. */
export function whaleRows(answer: unknown): unknown[] | null {
  if (Array.isArray(answer)) return answer;
  if (answer && typeof answer === 'object') {
    for (const key of ['whales', 'queue', 'decisions', 'items']) {
      const value = (answer as Record<string, unknown>)[key];
      if (Array.isArray(value)) return value;
    }
  }
  return null;
}

// The whale queue's columns (CONTRACTS.md §3, GET /whales), in this order; a shape without them is shown by its own keys.
const preferred = ['time', 'market', 'side', 'price_dollars', 'count', 'notional_dollars', 'decision', 'reason', 'filled', 'outcome'];

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return /^\d{4}-\d\d-\d\dT/.test(value) ? clock(value) : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function renderWhales(rows: unknown[] | null, answer?: unknown): void {
  show(byId('whales-panel'), rows !== null);
  if (rows === null) return;
  const counts = answer && typeof answer === 'object' ? (answer as Record<string, unknown>) : {};
  byId('whales-summary').textContent = ['seen', 'followed', 'skipped'].filter((k) => typeof counts[k] === 'number').map((k) => `${k} ${String(counts[k])}`).join(' · ');
  const first = rows.find((r) => r && typeof r === 'object') as Record<string, unknown> | undefined;
  const keys = first ? Object.keys(first).filter((k) => typeof first[k] !== 'object' || first[k] === null) : [];
  const known = preferred.filter((k) => keys.includes(k));
  const columns = known.length >= 3 ? known : keys.slice(0, 9);
  const head = byId('whales-head');
  const headText = columns.join('|');
  if (head.dataset['columns'] !== headText) {
    head.dataset['columns'] = headText;
    head.replaceChildren(el('tr', {}, ...columns.map((c) => el('th', { text: words(c) }))));
  }
  const objects = rows.filter((r): r is Record<string, unknown> => r !== null && typeof r === 'object');
  syncRows(byId<HTMLTableSectionElement>('whales'), objects.slice(0, 100), (r) => String(r['id'] ?? r['whale_id'] ?? JSON.stringify(r)), (r): Cell[] => columns.map((c) => scalar(r[c])));
  show(byId('whales-empty'), objects.length === 0);
}

export function arbRows(answer: unknown): ArbOperation[] | null {
  if (Array.isArray(answer)) return answer as ArbOperation[];
  if (answer && typeof answer === 'object') {
    const value = (answer as Record<string, unknown>)['operations'];
    if (Array.isArray(value)) return value as ArbOperation[];
  }
  return null;
}

export function renderArb(rows: ArbOperation[] | null): void {
  show(byId('arb-panel'), rows !== null);
  if (rows === null) return;
  syncRows(byId<HTMLTableSectionElement>('arb'), rows.slice(0, 50), (o) => o.id, (o): Cell[] => [
    o.kind,
    o.symbol,
    { text: o.outcome + (o.rolled_back ? ' (rolled back)' : ''), className: o.outcome === 'failed' ? 'neg' : o.outcome === 'success' ? 'pos' : '' },
    { text: (o.legs ?? []).map((l) => `${l.venue} ${l.side} ${l.filled}/${l.target}${l.avg_price ? ` @ ${l.avg_price}` : ''}`).join('; '), className: 'wrap' },
    (o.phases ?? []).join(' → '),
    words(or(o.reason)),
  ]);
  show(byId('arb-empty'), rows.length === 0);
}

export function renderReconciliation(reports: readonly ReconciliationReport[], state: State | null): void {
  const list = byId('reconciliation');
  const items = reports.length > 0
    ? reports.map((r) => ({ venue: r.venue, at: r.started, trigger: r.trigger, clean: r.clean, blocking: r.blocking, details: r.discrepancies.map((d) => `${words(d.kind)}${d.instrument ? ` ${d.instrument}` : ''}: ${d.detail} (${words(d.resolution)})`) }))
    : (state?.reconciliation ?? []).map((r) => ({ venue: r.venue, at: r.at, trigger: r.trigger, clean: r.clean, blocking: r.blocking, details: r.discrepancies > 0 ? [`${r.discrepancies} discrepancies`] : [] }));
  list.replaceChildren(...items.map((r) => {
    const status = r.clean ? 'clean' : r.blocking ? 'discrepancies, trading blocked' : 'discrepancies';
    const li = el('li', { className: r.clean ? 'ok' : 'bad' },
      el('strong', { text: `${r.venue}: ${status}` }),
      el('span', { className: 'muted', text: ` · ${words(r.trigger)} pass at ${clock(r.at)}` }));
    if (r.details.length > 0) li.append(el('ul', {}, ...r.details.slice(0, 10).map((d) => el('li', { text: d }))));
    return li;
  }));
  show(byId('reconciliation-empty'), items.length === 0);
}

export function renderAlerts(alerts: readonly Alert[]): void {
  byId('alerts').replaceChildren(...alerts.slice(0, 30).map((a) => {
    const fields = Object.entries(a.fields ?? {}).map(([k, v]) => `${k}: ${v}`).join(' · ');
    return el('li', { className: `alert ${a.severity}` },
      el('strong', { text: `${a.severity.toUpperCase()} ${a.title}` }),
      el('span', { className: 'muted', text: ` · ${clock(a.time)}` }),
      ...(fields ? [el('div', { className: 'fields', text: fields })] : []));
  }));
  show(byId('alerts-empty'), alerts.length === 0);
}
