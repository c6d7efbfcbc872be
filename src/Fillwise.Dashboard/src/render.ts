// Draws the model: banner, cards, positions, orders, fills, closed positions.

import { byId, el, setText, show, syncRows, type Cell } from './dom';
import { age, clock, dateTime, dollars, or, ratio, signed, words } from './format';
import type { Model } from './model';
import type { Fill, Order, Position, State } from './wire';

export interface RowActions {
  close: (position: Position) => void;
}

export function renderBanner(state: State): void {
  const banner = byId('banner');
  const mode = state.mode.toLowerCase();
  banner.dataset['mode'] = mode;
  setText(byId('mode'), mode === 'live' ? (state.dry_run ? 'LIVE · DRY RUN' : 'LIVE') : mode.toUpperCase());
  document.title = `Fillwise · ${mode.toUpperCase()} · ${state.trading_state}`;

  const trading = byId('trading-state');
  trading.dataset['state'] = state.trading_state;
  setText(trading, state.trading_state.toUpperCase() + (state.trading_state_reason ? ` — ${state.trading_state_reason}` : ''));
  trading.title = state.trading_state_since ? `since ${dateTime(state.trading_state_since)}` : '';

  const kill = state.kill_switch;
  show(byId('kill-switch'), kill.active);
  setText(byId('kill-reason'), kill.active ? `(${words(kill.condition ?? 'manual')}): ${or(kill.reason)}` : '');
  setText(byId('kill-since'), kill.since ? `since ${dateTime(kill.since)}` : '');

  show(byId('dry-run'), mode === 'live');
  byId('dry-run').dataset['on'] = String(state.dry_run);
  setText(byId('dry-run-text'), state.dry_run ? 'Dry run: real trading is OFF, nothing new goes to the venue.' : 'Real trading is ON.');
  setText(byId('dry-run-toggle'), state.dry_run ? 'Turn real trading on…' : 'Switch to dry run');
}

export function renderCards(state: State, now: number): void {
  setText(byId('balance'), dollars(state.balance_dollars));
  const asOf = state.balance_as_of ? new Date(state.balance_as_of).getTime() : null;
  setText(byId('balance-sub'), state.balance_error ? `venue error: ${state.balance_error}` : asOf === null ? 'not read yet' : `${state.balance_stale ? 'stale, ' : ''}read ${age(asOf, now)}`);
  byId('balance-sub').classList.toggle('warn', state.balance_stale || state.balance_error !== null);

  const pnl = signed(state.daily_pnl_dollars);
  const daily = byId('daily-pnl');
  setText(daily, pnl.text);
  daily.className = `value ${pnl.sign}`;
  setText(byId('daily-pnl-sub'), `realized ${signed(state.daily_realized_pnl_dollars).text} · unrealized ${signed(state.unrealized_pnl_dollars).text}` +
    (state.positions_without_price > 0 ? ` · ${state.positions_without_price} without a price` : ''));

  setText(byId('position-count'), String(state.positions.length));
  setText(byId('exposure-sub'), `limit ${state.risk.limits.max_positions} · closed today ${state.closed_positions.length}`);
  setText(byId('order-count'), String(state.open_orders.length));
  const m = state.metrics;
  setText(byId('metrics-sub'), `entries ${m['entry_orders_placed'] ?? 0} (full ${m['entry_orders_full_filled'] ?? 0}, partial ${m['entry_orders_partial_filled'] ?? 0}, failed ${m['entry_orders_failed'] ?? 0})`);

  const errors = m['consecutive_api_errors'] ?? 0;
  const troubled = state.accounts.filter((a) => a.stale || a.error !== null);
  const venue = byId('venue');
  setText(venue, errors >= 10 ? 'unhealthy' : errors >= 3 || troubled.length > 0 ? 'degraded' : 'connected');
  venue.className = `value ${errors >= 10 ? 'neg' : errors >= 3 || troubled.length > 0 ? 'warn' : 'pos'}`;
  setText(byId('venue-sub'), state.accounts.map((a) => `${a.venue}: ${a.error ? 'error' : a.stale ? 'stale' : 'ok'}`).join(' · ') + (errors > 0 ? ` · ${errors} API errors in a row` : ''));
}

function exitsText(p: Position): string {
  if (p.exits.length === 0) return p.closing ? 'closing…' : '—';
  const parts = p.exits.map((e) => `${e.count} @ ${e.price_dollars} (${words(e.reason)}, ${signed(e.realized_pnl_dollars).text})`);
  return parts.join('; ') + (p.closing ? '; closing…' : '');
}

export function renderPositions(state: State, actions: RowActions): void {
  const body = byId<HTMLTableSectionElement>('positions');
  syncRows(body, state.positions, (p) => p.position_id, (p): Cell[] => {
    const quote = p.quote ? `${or(p.quote.bid)} / ${or(p.quote.ask)}${p.quote.stale ? ' (stale)' : ''}` : '—';
    const contracts = p.requested_contracts && p.requested_contracts !== p.contracts ? `${p.contracts} of ${p.requested_contracts}` : p.contracts;
    const realized = signed(p.realized_pnl_dollars);
    return [
      { text: p.ticker, className: 'market' },
      p.side,
      { text: contracts, className: 'num' },
      { text: or(p.avg_entry_price_dollars), className: 'num' },
      { text: quote, className: 'num' },
      { text: or(p.stop_loss_dollars), className: 'num' },
      { text: or(p.take_profit_dollars), className: 'num' },
      { text: realized.text, className: `num ${realized.sign}` },
      { text: exitsText(p), className: 'wrap' },
      clock(p.opened_at),
      {
        key: 'close',
        node: () => {
          const button = el('button', { className: 'small', text: 'Close' });
          button.type = 'button';
          return button;
        },
      },
    ];
  }, (row, p, created) => {
    row.dataset['positionId'] = p.position_id;
    row.dataset['instrument'] = p.instrument;
    if (created) row.dataset['renderedAt'] = String(Date.now());
    const button = row.querySelector('button');
    if (button) {
      button.disabled = p.closing;
      button.setAttribute('aria-label', `Close the ${p.ticker} ${p.side} position of ${p.contracts}`);
      button.onclick = () => actions.close(p);
    }
  });
  setText(byId('positions-count'), state.positions.length ? `(${state.positions.length})` : '');
  show(byId('positions-empty'), state.positions.length === 0);
}

function progress(o: Order): Cell {
  const r = ratio(o.fill_count, o.count);
  return {
    key: `${o.fill_count}/${o.count}`,
    node: () => {
      const bar = el('progress');
      bar.max = 1;
      bar.value = r;
      bar.setAttribute('aria-label', `${o.fill_count} of ${o.count} filled`);
      return el('span', { className: 'progress' }, bar, ` ${o.fill_count} / ${o.count}`);
    },
  };
}

export function renderOrders(state: State): void {
  syncRows(byId<HTMLTableSectionElement>('orders'), state.open_orders, (o) => o.client_order_id, (o): Cell[] => [
    { text: o.ticker, className: 'market' },
    o.purpose,
    o.outcome ? `${o.action} ${o.outcome}` : o.action,
    { text: or(o.price_dollars), className: 'num' },
    progress(o),
    o.outcome_unknown ? `${o.status} (outcome unknown)` : o.status,
    clock(o.created_at ?? o.time ?? null),
  ], (row, o) => {
    row.dataset['clientOrderId'] = o.client_order_id;
  });
  setText(byId('orders-count'), state.open_orders.length ? `(${state.open_orders.length})` : '');
  show(byId('orders-empty'), state.open_orders.length === 0);
}

export function renderFills(fills: readonly Fill[]): void {
  syncRows(byId<HTMLTableSectionElement>('fills'), fills.slice(0, 50), (f) => `${f.client_order_id}:${f.trade_id}`, (f): Cell[] => [
    clock(f.time),
    { text: f.ticker, className: 'market' },
    f.purpose,
    f.outcome ? `${f.action} ${f.outcome}` : f.action,
    { text: f.fill_quantity, className: 'num' },
    { text: f.fill_price, className: 'num' },
    { text: dollars(f.fee_dollars), className: 'num' },
  ]);
  show(byId('fills-empty'), fills.length === 0);
}

export function renderClosed(state: State): void {
  syncRows(byId<HTMLTableSectionElement>('closed'), state.closed_positions.slice(0, 50), (p) => p.position_id, (p): Cell[] => {
    const realized = signed(p.realized_pnl_dollars);
    return [
      { text: p.ticker, className: 'market' },
      p.side,
      { text: or(p.avg_entry_price_dollars), className: 'num' },
      { text: realized.text, className: `num ${realized.sign}` },
      { text: dollars(p.fees_paid_dollars), className: 'num' },
      { text: exitsText(p), className: 'wrap' },
      dateTime(p.closed_at),
    ];
  });
  show(byId('closed-empty'), state.closed_positions.length === 0);
}

export function renderAll(model: Model, actions: RowActions): void {
  const state = model.state;
  if (!state) return;
  renderBanner(state);
  renderCards(state, Date.now());
  renderPositions(state, actions);
  renderOrders(state);
  renderClosed(state);
}
