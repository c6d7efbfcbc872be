// Feeds the same Kalshi orderbook_delta stream as OrderBookDeltaBenchmarks through ccxt's order book
// (Exchange.orderBook(): OrderBook with sorted Bids/Asks sides) and prints messages per second.
// Kalshi sends increments and only bids: YES bids go to `bids`; NO bids become YES asks at 1 - price.
// Usage: dotnet run -c Release --project bench/Fillwise.Benchmarks -- --write-kalshi-delta-stream bench/ccxt/stream.ndjson
//        cd bench/ccxt && npm install && node bench.mjs [stream.ndjson] [passes]
import fs from 'node:fs';
import ccxt from 'ccxt';

const file = process.argv[2] ?? 'stream.ndjson';
const passes = Number(process.argv[3] ?? 10);
const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
const exchange = new ccxt.Exchange({});
const books = new Map();
let lastSeq = -1;

// Size at a price on a ccxt side, found the way ccxt stores it: bisect over the side's index.
function sizeAt(side, price) {
    const key = side.side ? -price : price;
    const index = side.index;
    let low = 0;
    let high = side.length - 1;
    while (low <= high) {
        const mid = (low + high) >>> 1;
        if (index[mid] < key) low = mid + 1;
        else high = mid - 1;
    }
    return index[low] === key ? side[low][1] : 0;
}

function apply(line) {
    const m = JSON.parse(line);
    if (m.seq !== lastSeq + 1 && lastSeq !== -1) throw new Error(`gap at ${m.seq}`);
    lastSeq = m.seq;
    const msg = m.msg;
    if (m.type === 'orderbook_snapshot') {
        const bids = (msg.yes_dollars_fp ?? []).map(([p, c]) => [parseFloat(p), parseFloat(c)]);
        const asks = (msg.no_dollars_fp ?? []).map(([p, c]) => [1 - parseFloat(p), parseFloat(c)]);
        books.set(msg.market_ticker, exchange.orderBook({ bids, asks, symbol: msg.market_ticker }));
        return;
    }
    const book = books.get(msg.market_ticker);
    const price = parseFloat(msg.price_dollars);
    const delta = parseFloat(msg.delta_fp);
    const [side, key] = msg.side === 'yes' ? [book.bids, price] : [book.asks, 1 - price];
    const next = Math.round((sizeAt(side, key) + delta) * 100) / 100;
    if (next < 0) throw new Error(`negative level at seq ${m.seq}`);
    side.store(key, next);
}

const snapshots = lines.filter((l) => l.includes('"orderbook_snapshot"'));
const deltas = lines.filter((l) => l.includes('"orderbook_delta"'));
for (const s of snapshots) apply(s);
const start = lastSeq;

function pass() {
    lastSeq = start; // the stream nets to zero, so it replays onto the same books
    for (let i = 0; i < deltas.length; i++) apply(deltas[i]);
}

pass(); pass(); // warm-up (JIT)
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
for (let p = 0; p < passes; p++) pass();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const n = deltas.length * passes;
const fmt = (x) => Math.round(x).toLocaleString('en-US');
// CPU time as well as wall time: on a shared machine wall time mostly measures waiting for a core.
console.log(`ccxt ${ccxt.version} OrderBook: ${n} orderbook_delta messages: ${fmt(n / cpuSeconds)} messages per CPU-second (${(cpuSeconds * 1e9 / n).toFixed(0)} ns CPU/msg); wall ${fmt(n / seconds)} messages/s`);
const b = books.values().next().value;
console.log(`check: first book best YES bid ${b.bids[0]?.[0]} x ${b.bids[0]?.[1]}, best YES ask ${b.asks[0]?.[0]}`);
