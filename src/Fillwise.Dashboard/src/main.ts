// The Fillwise dashboard: signs in with the control token, reads /state, then follows the engine's
// event stream and applies each change at once; /state is read again shortly after every change
// and every few seconds, so what is shown never drifts from what the engine believes.

import './style.css';
import { wireActions } from './actions';
import { Api, Unauthorized } from './api';
import type { PnlChart, PositionCharts } from './charts';
import { byId, setText, show } from './dom';
import { age } from './format';
import { EventStream, type StreamStatus } from './events';
import { Model } from './model';
import { arbRows, renderAlerts, renderArb, renderReconciliation, renderWhales, whaleRows } from './panels';
import { renderAll, renderBanner, renderCards, renderFills, renderOrders, renderPositions } from './render';
import { clearToken, getToken, setToken, takeTokenFromUrl } from './token';
import type { Alert, Fill, History, Order, Position, ReconciliationReport, State } from './wire';

const stateEveryMs = 5_000;
const historyEveryMs = 5_000;
const optionalEveryMs = 15_000;
const signedOutKey = 'fillwise.signed-out';

takeTokenFromUrl();

// The charting library loads beside the first reads, not before them.
const charts = import('./charts');

let api: Api | null = null;
let stream: EventStream | null = null;
let model = new Model();
let pnlChart: PnlChart | null = null;
let positionCharts: PositionCharts | null = null;
let historySince: string | null = null;
let timers: number[] = [];
let stateSoon: number | null = null;
let streamStatus: StreamStatus = 'stopped';

const actions = wireActions({
  api: () => {
    if (api === null) throw new Error('not signed in');
    return api;
  },
  toast,
  refresh: () => void refreshState(),
  unauthorized,
});
const rowActions = { close: actions.close };

function toast(text: string, bad = false): void {
  const box = byId('toast');
  box.textContent = text;
  box.classList.toggle('bad', bad);
  box.hidden = false;
  window.setTimeout(() => {
    if (box.textContent === text) box.hidden = true;
  }, 6_000);
}

/** A refused token ends the session: no data stays on the page. */
function unauthorized(e: unknown): boolean {
  if (!(e instanceof Unauthorized)) return false;
  signOut('That token was refused. Paste the token the engine printed at start.');
  return true;
}

function signOut(why: string | null): void {
  const hadData = model.state !== null;
  stream?.stop();
  stream = null;
  api = null;
  for (const t of timers) window.clearInterval(t);
  timers = [];
  clearToken();
  if (hadData) {
    // What the page drew goes with the session: a fresh page asks for a token, saying why.
    if (why !== null) sessionStorage.setItem(signedOutKey, why);
    window.location.reload();
    return;
  }
  model = new Model();
  show(byId('data'), false);
  connection('not signed in');
  show(byId('login'), true);
  setText(byId('login-error'), why ?? '');
  byId<HTMLInputElement>('token-input').focus();
}

function connection(text: string, kind = ''): void {
  const node = byId('connection');
  setText(node, text);
  node.dataset['kind'] = kind;
}

async function refreshState(): Promise<void> {
  if (api === null) return;
  try {
    const state = await api.get<State>('/state');
    model.setState(state);
    const first = byId('data').hidden;
    show(byId('data'), true);
    show(byId('emergency-stop'), true);
    show(byId('sign-out'), true);
    renderAll(model, rowActions);
    if (first) {
      document.body.dataset['firstDataAt'] = String(performance.now());
      const { PnlChart, PositionCharts } = await charts;
      pnlChart ??= new PnlChart(byId('pnl-chart'));
      positionCharts ??= new PositionCharts(byId('position-charts'));
    }
    for (const p of state.positions) positionCharts?.addQuote(p);
    positionCharts?.sync(state.positions);
    pnlChart?.add(state.as_of, state.daily_pnl_dollars);
    renderReconciliation(model.reconciliation, state);
  } catch (e) {
    if (unauthorized(e)) return;
    // The stream's own state says more while it reconnects.
    if (streamStatus === 'live') connection('engine unreachable', 'bad');
  }
}

/** A change arrived: read /state again soon (several changes in a burst, one read). */
function scheduleState(): void {
  if (stateSoon !== null) return;
  stateSoon = window.setTimeout(() => {
    stateSoon = null;
    void refreshState();
  }, 250);
}

async function refreshHistory(): Promise<void> {
  if (api === null) return;
  try {
    const history = await api.get<History>(historySince === null ? '/history' : `/history?since=${encodeURIComponent(historySince)}`);
    pnlChart?.addHistory(history);
    positionCharts?.addHistory(history);
    const last = history.pnl[history.pnl.length - 1];
    if (last) historySince = last.time;
  } catch (e) {
    unauthorized(e);
  }
}

async function refreshLists(): Promise<void> {
  if (api === null) return;
  try {
    const [fills, alerts, reconciliation] = await Promise.all([
      api.get<{ fills: Fill[] }>('/fills'),
      api.get<{ alerts: Alert[] }>('/alerts'),
      api.get<{ reports: ReconciliationReport[] }>('/reconciliation'),
    ]);
    for (const f of [...fills.fills].reverse()) model.addFill(f);
    model.alerts = alerts.alerts;
    for (const r of [...reconciliation.reports].reverse()) model.addReport(r);
    renderFills(model.fills);
    renderAlerts(model.alerts);
    renderReconciliation(model.reconciliation, model.state);
  } catch (e) {
    unauthorized(e);
  }
}

async function refreshOptional(): Promise<void> {
  if (api === null) return;
  try {
    const [whales, arb] = await Promise.all([api.getOptional<unknown>('/whales'), api.getOptional<unknown>('/arb')]);
    model.whales = whaleRows(whales);
    model.arb = arbRows(arb);
    renderWhales(model.whales, whales);
    renderArb(model.arb);
  } catch (e) {
    unauthorized(e);
  }
}

function onEvent(kind: string, data: unknown): void {
  model.lastData = Date.now();
  const state = model.state;
  switch (kind) {
    case 'hello':
      // (Re)connected: whatever happened while away is read again.
      void refreshState();
      void refreshLists();
      return;
    case 'order':
      model.applyOrder(data as Order);
      if (state) renderOrders(state);
      break;
    case 'fill':
      model.addFill(data as Fill);
      renderFills(model.fills);
      break;
    case 'position':
      model.applyPosition(data as Position);
      if (state) {
        renderPositions(state, rowActions);
        positionCharts?.sync(state.positions);
      }
      break;
    case 'trading_state':
      if (state) {
        const t = data as { trading_state: string; reason: string | null };
        state.trading_state = t.trading_state;
        state.trading_state_reason = t.reason;
        renderBanner(state);
      }
      break;
    case 'kill_switch':
      if (state) {
        state.kill_switch = data as State['kill_switch'];
        renderBanner(state);
      }
      break;
    case 'reconciliation':
      model.addReport(data as ReconciliationReport);
      renderReconciliation(model.reconciliation, state);
      break;
    case 'alert':
      model.addAlert(data as Alert);
      renderAlerts(model.alerts);
      break;
    case 'whale':
    case 'arb':
      void refreshOptional();
      break;
    default:
      break;
  }
  scheduleState();
}

function onStatus(status: StreamStatus, detail?: string): void {
  streamStatus = status;
  switch (status) {
    case 'live':
      connection('live', 'ok');
      break;
    case 'connecting':
      connection('connecting…', 'warn');
      break;
    case 'reconnecting':
      connection(`reconnecting${detail ? ` (${detail})` : ''}`, 'bad');
      break;
    case 'unauthorized':
      signOut('That token was refused. Paste the token the engine printed at start.');
      break;
    case 'stopped':
      break;
  }
}

function tick(): void {
  const state = model.state;
  if (state) renderCards(state, Date.now());
  if (model.lastData > 0) {
    const seconds = (Date.now() - model.lastData) / 1000;
    const text = `data ${age(model.lastData, Date.now())}`;
    setText(byId('freshness'), text);
    byId('freshness').classList.toggle('warn', seconds > 15 || streamStatus !== 'live');
  }
}

async function start(token: string): Promise<void> {
  api = new Api(token);
  show(byId('login'), false);
  connection('connecting…', 'warn');
  await refreshState();
  if (api === null) return;
  void refreshLists();
  void refreshHistory();
  void refreshOptional();
  stream = new EventStream({ headers: api.headers, onEvent, onStatus });
  stream.start();
  timers.push(
    window.setInterval(() => void refreshState(), stateEveryMs),
    window.setInterval(() => void refreshHistory(), historyEveryMs),
    window.setInterval(() => void refreshOptional(), optionalEveryMs),
    window.setInterval(tick, 1_000),
  );
}

byId('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = byId<HTMLInputElement>('token-input');
  const token = input.value.trim();
  input.value = '';
  if (token === '') return;
  setToken(token);
  setText(byId('login-error'), '');
  void start(token);
});

byId('sign-out').addEventListener('click', () => signOut(null));
byId('dry-run-toggle').addEventListener('click', () => actions.dryRun(!(model.state?.dry_run ?? false)));

const saved = getToken();
if (saved === null) {
  show(byId('login'), true);
  connection('not signed in');
  setText(byId('login-error'), sessionStorage.getItem(signedOutKey) ?? '');
  sessionStorage.removeItem(signedOutKey);
  byId<HTMLInputElement>('token-input').focus();
} else {
  void start(saved);
}
