// What the page knows: the last /state, with the live events applied on top until the next read.

import type { Alert, ArbOperation, Fill, Order, Position, ReconciliationReport, State } from './wire';

const finished = new Set(['filled', 'canceled', 'rejected', 'expired', 'denied']);

export class Model {
  state: State | null = null;
  fills: Fill[] = [];
  alerts: Alert[] = [];
  reconciliation: ReconciliationReport[] = [];
  whales: unknown[] | null = null;
  arb: ArbOperation[] | null = null;
  /** When the page last heard from the engine (ms, page clock). */
  lastData = 0;

  setState(state: State): void {
    // A live quote read earlier stays until the next one arrives.
    this.state = state;
    this.lastData = Date.now();
  }

  /** An order event: kept while it may still trade, gone once finished. */
  applyOrder(order: Order): void {
    if (!this.state) return;
    const orders = this.state.open_orders.filter((o) => o.client_order_id !== order.client_order_id);
    if (!finished.has(order.status.toLowerCase())) orders.unshift(order);
    this.state.open_orders = orders;
  }

  /** A position event: open ones updated or added, a flat one moves to the closed list. */
  applyPosition(position: Position): void {
    if (!this.state) return;
    const before = this.state.positions.find((p) => p.position_id === position.position_id);
    const rest = this.state.positions.filter((p) => p.position_id !== position.position_id);
    if (position.closed_at !== null) {
      this.state.positions = rest;
      this.state.closed_positions = [position, ...this.state.closed_positions.filter((p) => p.position_id !== position.position_id)];
      return;
    }
    const merged = { ...position, quote: position.quote ?? before?.quote ?? null };
    this.state.positions = before ? this.state.positions.map((p) => (p.position_id === position.position_id ? merged : p)) : [...rest, merged];
  }

  addFill(fill: Fill): void {
    if (this.fills.some((f) => f.trade_id === fill.trade_id && f.client_order_id === fill.client_order_id)) return;
    this.fills = [fill, ...this.fills].slice(0, 200);
  }

  addAlert(alert: Alert): void {
    this.alerts = [alert, ...this.alerts].slice(0, 100);
  }

  /** A reconciliation pass: the newest report per venue. */
  addReport(report: ReconciliationReport): void {
    this.reconciliation = [report, ...this.reconciliation.filter((r) => r.venue !== report.venue)];
  }
}
