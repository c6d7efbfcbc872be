// Drives the Fillwise built-in Aster-compatible venue with ccxt's official `aster` class (a client we
// did not write): V3 EIP-712 signing, markets from exchangeInfo filters, orders placed, queried and
// canceled, a partial fill from a second account, a crossing post-only (GTX) coming back EXPIRED,
// Aster's error codes, positions and balance. Exits non-zero on the first answer that is not Aster's.
'use strict';
const ccxt = require('ccxt');

const base = process.env.FILLWISE_BASE; // http://127.0.0.1:PORT
const symbol = 'ZEC/USDT:USDT';
const steps = [];

function client(privateKey) {
  const ex = new ccxt.aster({
    privateKey,
    // ccxt's nonce is milliseconds x 1000: space requests so two never share one.
    rateLimit: 5,
    options: { builderFee: false, defaultType: 'swap', fetchOpenOrders: { warnIfNoSymbol: false } },
  });
  ex.urls.api = {
    fapiPublic: base + '/aster/fapi',
    fapiPrivate: base + '/aster/fapi',
    sapiPublic: base + '/aster/api',
    sapiPrivate: base + '/aster/api',
  };
  return ex;
}

function check(cond, what, got) {
  if (!cond) throw new Error(`${what}; got ${JSON.stringify(got)}`);
}
function eq(got, want, what) { check(got === want, `${what}: want ${JSON.stringify(want)}`, got); }

async function expectError(promise, type, code, what) {
  try {
    const r = await promise;
    throw new Error(`${what}: expected ${type.name} ${code}, got ${JSON.stringify(r.info ?? r)}`);
  } catch (e) {
    if (!(e instanceof type)) throw new Error(`${what}: expected ${type.name}, got ${e.constructor.name}: ${e.message}`);
    check(e.message.includes(`"code":${code}`), `${what}: code ${code} in the message`, e.message);
  }
}

async function step(name, fn) {
  await fn();
  steps.push(name);
}

(async () => {
  const maker = client(process.env.FILLWISE_MAKER_KEY);
  const taker = client(process.env.FILLWISE_TAKER_KEY);
  let makerOrder;

  await step('load markets from exchangeInfo filters', async () => {
    const markets = await maker.loadMarkets();
    const m = markets[symbol];
    check(m !== undefined, 'ZEC/USDT:USDT market', Object.keys(markets));
    eq(m.id, 'ZECUSDT', 'market id');
    eq(m.swap, true, 'swap');
    eq(m.precision.price, 0.01, 'price tick');
    eq(m.precision.amount, 0.001, 'amount step');
    eq(m.limits.amount.min, 0.001, 'min amount');
    eq(m.limits.cost.min, 5, 'min notional');
    await taker.loadMarkets();
  });

  await step('order book', async () => {
    const b = await maker.fetchOrderBook(symbol, 50);
    check(Array.isArray(b.bids) && Array.isArray(b.asks), 'bids and asks', b);
  });

  await step('funding rate', async () => {
    const f = await maker.fetchFundingRate(symbol);
    eq(f.fundingRate, 0.0001, 'funding rate');
    eq(f.markPrice, 514, 'mark price');
    check(Number.isInteger(f.nextFundingTimestamp), 'next funding time', f);
  });

  await step('maker rests a post-only sell', async () => {
    makerOrder = await maker.createOrder(symbol, 'limit', 'sell', 1, 514.5, { postOnly: true, clientOrderId: 'mk-1' });
    eq(makerOrder.status, 'open', 'status');
    eq(makerOrder.amount, 1, 'amount');
    eq(makerOrder.filled, 0, 'filled');
    eq(makerOrder.clientOrderId, 'mk-1', 'client order id');
    eq(makerOrder.timeInForce, 'GTX', 'post-only is GTX');
  });

  await step('taker fills part of it', async () => {
    const t = await taker.createOrder(symbol, 'limit', 'buy', 0.4, 514.5);
    eq(t.status, 'closed', 'taker status');
    eq(t.filled, 0.4, 'taker filled');
    eq(t.average, 514.5, 'taker average');
  });

  await step('maker queries the partial fill by id and by client order id', async () => {
    const o = await maker.fetchOrder(makerOrder.id, symbol);
    eq(o.status, 'open', 'still open');
    eq(o.filled, 0.4, 'filled');
    eq(o.remaining, 0.6, 'remaining');
    const byClient = await maker.fetchOrder(undefined, symbol, { clientOrderId: 'mk-1' });
    eq(byClient.id, makerOrder.id, 'same order by client id');
    const open = await maker.fetchOpenOrders(symbol);
    eq(open.length, 1, 'one open order');
  });

  await step('trades and positions of both sides', async () => {
    const trades = await taker.fetchMyTrades(symbol);
    eq(trades.length, 1, 'one trade');
    eq(trades[0].price, 514.5, 'trade price');
    eq(trades[0].amount, 0.4, 'trade amount');
    eq(trades[0].takerOrMaker, 'taker', 'taker side');
    check(trades[0].fee.cost > 0, 'a taker fee', trades[0]);
    const longs = await taker.fetchPositions([symbol]);
    eq(longs.length, 1, 'one taker position');
    eq(longs[0].side, 'long', 'taker long');
    eq(longs[0].contracts, 0.4, 'taker contracts');
    eq(longs[0].entryPrice, 514.5, 'taker entry');
    const shorts = await maker.fetchPositions([symbol]);
    eq(shorts[0].side, 'short', 'maker short');
    eq(shorts[0].contracts, 0.4, 'maker contracts');
  });

  await step('balance', async () => {
    const b = await taker.fetchBalance();
    check(b.USDT !== undefined, 'USDT balance', b);
    // 10000 - taker fee 514.5 x 0.4 x 0.035 % = 0.072030
    eq(b.USDT.total, 9999.92797, 'wallet balance');
    check(b.USDT.free > 9000 && b.USDT.free < 10000, 'available balance', b.USDT);
  });

  await step('maker cancels the rest', async () => {
    const c = await maker.cancelOrder(makerOrder.id, symbol);
    eq(c.status, 'canceled', 'canceled');
    eq(c.filled, 0.4, 'fills kept');
    const open = await maker.fetchOpenOrders(symbol);
    eq(open.length, 0, 'nothing open');
  });

  await step('a crossing GTX comes back EXPIRED with nothing filled', async () => {
    await maker.createOrder(symbol, 'limit', 'sell', 1, 514.6);
    const gtx = await taker.createOrder(symbol, 'limit', 'buy', 0.5, 514.6, { postOnly: true });
    eq(gtx.info.status, 'EXPIRED', 'raw status');
    eq(gtx.status, 'canceled', 'ccxt status');
    eq(gtx.filled, 0, 'nothing filled');
  });

  await step('Aster error codes', async () => {
    await expectError(taker.createOrder(symbol, 'limit', 'buy', 0.005, 500), ccxt.InvalidOrder, -4164, 'below min notional');
    await expectError(taker.createOrder(symbol, 'limit', 'buy', 1, 514.6, { clientOrderId: 'bad id!' }), ccxt.InvalidOrder, -4015, 'client order id pattern');
    await expectError(maker.cancelOrder('12345', symbol), ccxt.OrderNotFound, -2011, 'cancel of an unknown order');
    await expectError(maker.fetchOrder('12345', symbol), ccxt.OrderNotFound, -2013, 'query of an unknown order');
    await expectError(taker.createOrder(symbol, 'limit', 'buy', 0.01, 514.6, { reduceOnly: true }), ccxt.OperationRejected, -2022, 'reduce-only that would increase');
    await expectError(taker.createOrder(symbol, 'limit', 'buy', 1000, 514.6), ccxt.InsufficientFunds, -2019, 'margin');
  });

  await step('reduce-only is spared the minimum notional', async () => {
    const r = await taker.createOrder(symbol, 'limit', 'sell', 0.005, 514.4, { reduceOnly: true });
    eq(r.status, 'open', 'reduce-only dust rests');
    eq(r.reduceOnly, true, 'reduce-only flag');
    await taker.cancelOrder(r.id, symbol);
  });

  await step('order history', async () => {
    const all = await maker.fetchOrders(symbol);
    eq(all.length, 2, 'two maker orders');
  });

  console.log(`steps: ${steps.join(' | ')}`);
  console.log('conformance ok');
})().catch((e) => {
  console.error(`failed after: ${steps.join(' | ')}`);
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
