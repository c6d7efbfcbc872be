// Drives the Fillwise built-in exchange with Kalshi's official client (kalshi-typescript), a client
// we did not write. Exits non-zero with a message on the first answer that is not what Kalshi sends.
'use strict';
const { Configuration, OrdersApi, PortfolioApi, MarketApi, ExchangeApi, HistoricalApi } = require('kalshi-typescript');
const axios = require('axios');
const { randomUUID } = require('crypto');

const basePath = process.env.FILLWISE_REST_BASE; // http://127.0.0.1:PORT/trade-api/v2
const ticker = process.env.FILLWISE_TICKER;
const series = process.env.FILLWISE_SERIES;
const admin = process.env.FILLWISE_ADMIN_URL; // the exchange's own admin API, to settle and archive
const steps = [];

function client(keyId, pem) {
  const config = new Configuration({ apiKey: keyId, privateKeyPem: pem, basePath });
  const http = axios.create(); // own instance (interceptors pile up on a shared one), and no baseURL
  return {
    orders: new OrdersApi(config, undefined, http),
    portfolio: new PortfolioApi(config, undefined, http),
    market: new MarketApi(config, undefined, http),
    exchange: new ExchangeApi(config, undefined, http),
    historical: new HistoricalApi(config, undefined, http),
  };
}

function check(cond, what, got) {
  if (!cond) throw new Error(`${what}; got ${JSON.stringify(got)}`);
}
function eq(got, want, what) { check(got === want, `${what}: want ${JSON.stringify(want)}`, got); }
const isStr = (v) => typeof v === 'string';
const isInt = (v) => Number.isInteger(v);

async function expectError(promise, status, what) {
  try {
    const r = await promise;
    throw new Error(`${what}: expected HTTP ${status}, got ${r.status} ${JSON.stringify(r.data)}`);
  } catch (e) {
    if (!e.response) throw e;
    eq(e.response.status, status, `${what} status`);
    return e.response.data;
  }
}

async function step(name, fn) {
  await fn();
  steps.push(name);
}

(async () => {
  const maker = client(process.env.FILLWISE_MAKER_KEY_ID, process.env.FILLWISE_MAKER_PEM);
  const taker = client(process.env.FILLWISE_TAKER_KEY_ID, process.env.FILLWISE_TAKER_PEM);
  let makerOrderId;
  const makerClientId = randomUUID();

  await step('exchange status', async () => {
    const s = await maker.exchange.getExchangeStatus();
    eq(s.data.exchange_active, true, 'exchange_active');
  });

  await step('market', async () => {
    const m = await maker.market.getMarket(ticker);
    eq(m.data.market.ticker, ticker, 'market.ticker');
    eq(m.data.market.status, 'active', 'market.status');
  });

  await step('maker rests a bid', async () => {
    const c = await maker.orders.createOrderV2({
      ticker, client_order_id: makerClientId, side: 'bid', count: '10.00', price: '0.4700',
      time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross', post_only: true,
    });
    eq(c.status, 201, 'create status');
    eq(c.data.fill_count, '0.00', 'fill_count');
    eq(c.data.remaining_count, '10.00', 'remaining_count');
    eq(c.data.client_order_id, makerClientId, 'client_order_id');
    check(isStr(c.data.order_id) && c.data.order_id.length > 0, 'order_id', c.data);
    check(isInt(c.data.ts_ms), 'ts_ms is an integer', c.data);
    makerOrderId = c.data.order_id;
  });

  await step('order book', async () => {
    const b = await maker.market.getMarketOrderbook(ticker, 0);
    const yes = b.data.orderbook_fp.yes_dollars;
    check(Array.isArray(yes) && yes.length === 1, 'one yes level', b.data);
    eq(yes[yes.length - 1][0], '0.4700', 'best yes bid price');
    eq(yes[yes.length - 1][1], '10.00', 'best yes bid size');
  });

  await step('taker crosses', async () => {
    const c = await taker.orders.createOrderV2({
      ticker, client_order_id: randomUUID(), side: 'ask', count: '4.00', price: '0.4500',
      time_in_force: 'immediate_or_cancel', self_trade_prevention_type: 'taker_at_cross',
    });
    eq(c.status, 201, 'cross status');
    eq(c.data.fill_count, '4.00', 'cross fill_count');
    eq(c.data.remaining_count, '0.00', 'cross remaining_count');
    eq(c.data.average_fill_price, '0.4700', 'average_fill_price');
    check(isStr(c.data.average_fee_paid), 'average_fee_paid is a string', c.data);
  });

  await step('maker order after partial fill', async () => {
    const o = await maker.orders.getOrder(makerOrderId);
    const order = o.data.order;
    eq(order.status, 'resting', 'status');
    eq(order.fill_count_fp, '4.00', 'fill_count_fp');
    eq(order.remaining_count_fp, '6.00', 'remaining_count_fp');
    eq(order.initial_count_fp, '10.00', 'initial_count_fp');
    eq(order.yes_price_dollars, '0.4700', 'yes_price_dollars');
    eq(order.no_price_dollars, '0.5300', 'no_price_dollars');
    eq(order.outcome_side, 'yes', 'outcome_side');
    eq(order.book_side, 'bid', 'book_side');
    eq(order.type, 'limit', 'type');
    eq(order.client_order_id, makerClientId, 'client_order_id');
    check(!Number.isNaN(Date.parse(order.created_time)), 'created_time is RFC 3339', order);
  });

  await step('orders list', async () => {
    const r = await maker.orders.getOrders(ticker, undefined, undefined, undefined, 'resting', 100);
    eq(r.data.orders.length, 1, 'resting orders');
    eq(r.data.cursor, '', 'last page cursor');
  });

  await step('series with its fee schedule', async () => {
    const s = await maker.market.getSeries(series);
    eq(s.data.series.ticker, series, 'series.ticker');
    eq(s.data.series.fee_type, 'quadratic', 'series.fee_type');
    check(typeof s.data.series.fee_multiplier === 'number', 'fee_multiplier is a number', s.data.series);
    const all = await maker.market.getSeriesList();
    check(all.data.series.some((x) => x.ticker === series), 'the series is listed', all.data);
  });

  await step('exchange schedule', async () => {
    const s = await maker.exchange.getExchangeSchedule();
    check(Array.isArray(s.data.schedule.standard_hours) && s.data.schedule.standard_hours.length > 0, 'standard_hours', s.data);
    check(Array.isArray(s.data.schedule.maintenance_windows), 'maintenance_windows', s.data);
  });

  await step('several order books at once', async () => {
    const b = await maker.market.getMarketOrderbooks([ticker]);
    eq(b.data.orderbooks.length, 1, 'one book');
    eq(b.data.orderbooks[0].ticker, ticker, 'book ticker');
    const yes = b.data.orderbooks[0].orderbook_fp.yes_dollars;
    eq(yes[yes.length - 1][1], '6.00', 'best yes bid size after the partial fill');
  });

  await step('queue positions', async () => {
    const one = await maker.orders.getOrderQueuePosition(makerOrderId);
    eq(one.data.queue_position_fp, '0.00', 'first in its level');
    const all = await maker.orders.getOrderQueuePositions(ticker);
    eq(all.data.queue_positions.length, 1, 'one resting order');
    eq(all.data.queue_positions[0].order_id, makerOrderId, 'queue position order_id');
    eq(all.data.queue_positions[0].market_ticker, ticker, 'queue position market_ticker');
  });

  await step('candlesticks', async () => {
    const end = Math.floor(Date.now() / 1000) + 3600;
    const c = await maker.market.getMarketCandlesticks(series, ticker, 0, end, 1);
    eq(c.data.ticker, ticker, 'candlesticks ticker');
    const volume = c.data.candlesticks.reduce((sum, k) => sum + Number(k.volume_fp), 0);
    eq(volume, 4, 'volume over the candles');
    check(c.data.candlesticks.every((k) => isInt(k.end_period_ts) && isStr(k.yes_bid.close_dollars)), 'candle fields', c.data);
    const b = await maker.market.batchGetMarketCandlesticks(ticker, 0, end, 60);
    eq(b.data.markets[0].market_ticker, ticker, 'batch market_ticker');
    eq(b.data.markets[0].candlesticks[0].price.close_dollars, '0.4700', 'last trade price of the hour');
  });

  await step('fills', async () => {
    const f = await taker.portfolio.getFills(ticker);
    eq(f.data.fills.length, 1, 'taker fills');
    const fill = f.data.fills[0];
    eq(fill.count_fp, '4.00', 'count_fp');
    eq(fill.is_taker, true, 'is_taker');
    eq(fill.yes_price_dollars, '0.4700', 'fill yes price');
    eq(fill.book_side, 'ask', 'fill book_side');
    check(isStr(fill.fee_cost), 'fee_cost string', fill);
    check(isInt(fill.ts), 'ts integer', fill);
    const mf = await maker.portfolio.getFills(undefined, makerOrderId);
    eq(mf.data.fills.length, 1, 'maker fills by order id');
    eq(mf.data.fills[0].is_taker, false, 'maker is not taker');
    eq(mf.data.fills[0].trade_id, fill.trade_id, 'same trade on both sides');
  });

  await step('positions', async () => {
    const p = await maker.portfolio.getPositions(undefined, 100);
    eq(p.data.market_positions.length, 1, 'maker positions');
    eq(p.data.market_positions[0].position_fp, '4.00', 'maker position');
    check(Array.isArray(p.data.event_positions), 'event_positions', p.data);
    const t = await taker.portfolio.getPositions(undefined, 100);
    eq(t.data.market_positions[0].position_fp, '-4.00', 'taker position');
  });

  await step('balance', async () => {
    const b = await maker.portfolio.getBalance();
    check(isInt(b.data.balance), 'balance is integer cents', b.data);
    check(isStr(b.data.balance_dollars), 'balance_dollars is a string', b.data);
    eq(b.data.balance, Math.trunc(Number(b.data.balance_dollars) * 100 + 1e-9), 'cents match dollars');
    check(isInt(b.data.portfolio_value), 'portfolio_value integer', b.data);
  });

  await step('amend and decrease', async () => {
    const a = await maker.orders.amendOrderV2(makerOrderId, { ticker, side: 'bid', price: '0.4600', count: '9.00' });
    eq(a.status, 200, 'amend status');
    eq(a.data.remaining_count, '5.00', 'amend remaining (total 9 minus 4 filled)');
    const id = a.data.order_id;
    const d = await maker.orders.decreaseOrderV2(id, { reduce_by: '2.00' });
    eq(d.data.remaining_count, '3.00', 'decrease remaining');
    makerOrderId = id;
  });

  await step('cancel, then cancel again', async () => {
    const c = await maker.orders.cancelOrderV2(makerOrderId);
    eq(c.status, 200, 'cancel status');
    eq(c.data.reduced_by, '3.00', 'reduced_by');
    const err = await expectError(maker.orders.cancelOrderV2(makerOrderId), 404, 'second cancel');
    eq(err.error.code, 'not_found', 'second cancel code');
  });

  await step('batch create and cancel all', async () => {
    const b = await maker.orders.batchCreateOrdersV2({
      orders: [
        { ticker, side: 'bid', count: '1.00', price: '0.1000', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross' },
        { ticker, side: 'bid', count: '1.00', price: '0.1050', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross' },
      ],
    });
    eq(b.status, 201, 'batch status');
    check(!b.data.orders[0].error && b.data.orders[1].error, 'second item fails alone', b.data);
    eq(b.data.orders[1].error.code, 'invalid_price', 'per-item error code');
    const all = await maker.orders.cancelAllOrders();
    eq(all.status, 200, 'cancel all status');
    const left = await maker.orders.getOrders(ticker, undefined, undefined, undefined, 'resting');
    eq(left.data.orders.length, 0, 'nothing resting after cancel all');
  });

  await step('bad input gets Kalshi errors', async () => {
    const flat = await expectError(maker.orders.createOrderV2({
      ticker, side: 'bid', count: 1, price: '0.4000', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross',
    }), 400, 'numeric count');
    eq(flat.code, 'bad_request', 'flat code');
    eq(flat.details, 'json: cannot unmarshal number into Go struct field CreateOrderV2Request.count of type string', 'flat details');
    const grid = await expectError(maker.orders.createOrderV2({
      ticker, side: 'bid', count: '1.00', price: '0.4050', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross',
    }), 400, 'off-grid price');
    eq(grid.error.code, 'invalid_price', 'off-grid code');
    const missing = await expectError(maker.orders.createOrderV2({
      ticker, side: 'bid', count: '1.00', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross',
    }), 400, 'no price');
    eq(missing.error.code, 'missing_parameters', 'missing price code');
    const side = await expectError(maker.orders.createOrderV2({
      ticker, side: 'buy', count: '1.00', price: '0.4000', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross',
    }), 400, 'unknown side');
    eq(side.error.code, 'invalid_order', 'unknown side code');
  });

  await step('settlement and the historical archive', async () => {
    // The market is settled YES and everything finished is archived, through the exchange's admin API.
    await axios.post(`${admin}/markets/${ticker}/settle`, { result: 'yes' });
    await axios.post(`${admin}/historical/archive`, {});
    const s = await maker.portfolio.getSettlements(100, undefined, ticker);
    eq(s.data.settlements.length, 1, 'one settlement');
    eq(s.data.settlements[0].market_result, 'yes', 'market_result');
    eq(s.data.settlements[0].yes_count_fp, '4.00', 'yes_count_fp');
    eq(s.data.settlements[0].revenue, 400, 'revenue in cents');
    check(isStr(s.data.settlements[0].fee_cost), 'fee_cost is a string', s.data.settlements[0]);
    const cutoff = await maker.historical.getHistoricalCutoff();
    check(isStr(cutoff.data.market_settled_ts), 'market_settled_ts', cutoff.data);
    const m = await maker.historical.getHistoricalMarket(ticker);
    eq(m.data.market.status, 'finalized', 'archived market status');
    eq(m.data.market.result, 'yes', 'archived market result');
    const ms = await maker.historical.getHistoricalMarkets(100, undefined, ticker);
    eq(ms.data.markets.length, 1, 'archived markets');
    const t = await maker.historical.getTradesHistorical(ticker);
    eq(t.data.trades.length, 1, 'archived trades');
    eq(t.data.trades[0].count_fp, '4.00', 'archived trade count');
    const live = await maker.market.getTrades(100, undefined, ticker);
    eq(live.data.trades.length, 0, 'no live trades after the archive');
    const k = await maker.historical.getMarketCandlesticksHistorical(ticker, 0, Math.floor(Date.now() / 1000) + 3600, 60);
    eq(k.data.candlesticks[0].volume, '4.00', 'archived candle volume');
  });

  console.log(`conformance ok: ${steps.length} steps (${steps.join(', ')})`);
})().catch((e) => {
  const detail = e.response ? ` (HTTP ${e.response.status} ${JSON.stringify(e.response.data)})` : '';
  console.error(`conformance FAILED after [${steps.join(', ')}]: ${e.message}${detail}`);
  process.exit(1);
});
