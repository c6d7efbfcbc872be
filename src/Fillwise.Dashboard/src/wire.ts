// The control API's documents as the page reads them (docs/CONTRACTS.md §3). Money, prices and
// quantities stay the exact strings the engine wrote; only the charts turn them into numbers.

export interface Quote {
  bid: string | null;
  ask: string | null;
  time: string;
  stale: boolean;
}

export interface Exit {
  order_id: string | null;
  kind: string;
  reason: string;
  count: string;
  price_dollars: string;
  realized_pnl_dollars: string;
  fees_dollars: string;
  time: string;
}

export interface Position {
  position_id: string;
  instrument: string;
  ticker: string;
  side: string;
  contracts: string;
  requested_contracts: string | null;
  avg_entry_price_dollars: string | null;
  realized_pnl_dollars: string;
  fees_paid_dollars: string;
  stop_loss_dollars: string | null;
  take_profit_dollars: string | null;
  closing: boolean;
  strategy: string;
  reason: string | null;
  market_status: string | null;
  opened_at: string;
  closed_at: string | null;
  exits: Exit[];
  quote?: Quote | null;
}

export interface Order {
  order_id: string | null;
  client_order_id: string;
  instrument: string;
  ticker: string;
  action: string;
  side: string;
  outcome?: string;
  price_dollars: string | null;
  count: string;
  fill_count: string;
  remaining_count: string;
  purpose: string;
  status: string;
  outcome_unknown: boolean;
  position_id: string | null;
  created_at?: string;
  time?: string;
}

export interface Fill extends Order {
  trade_id: string;
  fill_quantity: string;
  fill_price: string;
  fee_dollars: string;
  time: string;
}

export interface KillSwitch {
  active: boolean;
  condition: string | null;
  reason: string | null;
  since: string | null;
}

export interface Account {
  venue: string;
  balance: string | null;
  currency: string | null;
  as_of: string | null;
  stale: boolean;
  error: string | null;
}

export interface ReconciliationSummary {
  venue: string;
  trigger: string;
  at: string;
  clean: boolean;
  discrepancies: number;
  blocking: boolean;
}

export interface State {
  mode: string;
  as_of: string;
  trading_state: string;
  trading_state_reason: string | null;
  trading_state_since: string | null;
  dry_run: boolean;
  balance_dollars: string | null;
  balance_as_of: string | null;
  balance_stale: boolean;
  balance_error: string | null;
  accounts: Account[];
  daily_pnl_dollars: string;
  daily_realized_pnl_dollars: string;
  unrealized_pnl_dollars: string;
  positions_without_price: number;
  positions: Position[];
  closed_positions: Position[];
  open_orders: Order[];
  kill_switch: KillSwitch;
  risk: { open_orders: number; open_positions: number; limits: { max_open_orders: number; max_positions: number } };
  reconciliation: ReconciliationSummary[];
  metrics: Record<string, number>;
}

export interface Discrepancy {
  kind: string;
  instrument: string | null;
  detail: string;
  resolution: string;
  blocking: boolean;
}

export interface ReconciliationReport {
  venue: string;
  trigger: string;
  started: string;
  elapsed_ms: number;
  clean: boolean;
  blocking: boolean;
  discrepancies: Discrepancy[];
}

export interface Alert {
  severity: string;
  kind: string;
  title: string;
  fields: Record<string, string>;
  time: string;
}

export interface History {
  interval_s: number;
  pnl: { time: string; daily_pnl_dollars: string; balance_dollars: string | null }[];
  prices: { instrument: string; points: { time: string; bid: string | null; ask: string | null; stale: boolean }[] }[];
}

export interface ArbLeg {
  venue: string;
  side: string;
  target: string;
  filled: string;
  avg_price: string | null;
  fees?: string | null;
}

export interface ArbOperation {
  id: string;
  kind: string;
  symbol: string;
  reason: string;
  outcome: string;
  legs: ArbLeg[];
  phases: string[];
  rolled_back: boolean;
}
