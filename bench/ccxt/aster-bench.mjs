// Feeds the same Aster depthUpdate stream as AsterDepthBenchmarks through ccxt's order book
// (Exchange.orderBook(): sorted Bids/Asks sides, as ccxt's binance-style watchOrderBook keeps them)
// and prints frames per second. Each frame: JSON.parse, the pu === last u continuity check, every
// level stored with its absolute quantity (0 removes it), as ccxt's handleDelta does.
// Usage: dotnet run -c Release --project bench/Fillwise.Benchmarks -- --write-aster-depth-stream bench/ccxt/aster-depth.ndjson
//        cd bench/ccxt && npm install && node aster-bench.mjs [aster-depth.ndjson] [passes]
import fs from 'node:fs';
import ccxt from 'ccxt';

const file = process.argv[2] ?? 'aster-depth.ndjson';
const passes = Number(process.argv[3] ?? 10);
const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
const snapshot = JSON.parse(lines[0]);
const frames = lines.slice(1);
const exchange = new ccxt.Exchange({});
let book;
let lastU;

function reset() {
    const bids = snapshot.bids.map(([p, q]) => [parseFloat(p), parseFloat(q)]);
    const asks = snapshot.asks.map(([p, q]) => [parseFloat(p), parseFloat(q)]);
    book = exchange.orderBook({ bids, asks, symbol: 'ZEC/USDT:USDT' });
    lastU = snapshot.lastUpdateId;
}

function apply(line) {
    const m = JSON.parse(line);
    if (m.pu !== lastU) throw new Error(`gap: pu ${m.pu} after u ${lastU}`);
    lastU = m.u;
    for (const [p, q] of m.b) book.bids.store(parseFloat(p), parseFloat(q));
    for (const [p, q] of m.a) book.asks.store(parseFloat(p), parseFloat(q));
}

function pass() {
    reset();
    for (let i = 0; i < frames.length; i++) apply(frames[i]);
}

pass(); pass(); // warm-up (JIT)
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
for (let p = 0; p < passes; p++) pass();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const n = frames.length * passes;
const fmt = (x) => Math.round(x).toLocaleString('en-US');
console.log(`ccxt ${ccxt.version} OrderBook: ${n} Aster depthUpdate frames: ${fmt(n / cpuSeconds)} frames per CPU-second (${(cpuSeconds * 1e9 / n).toFixed(0)} ns CPU/frame); wall ${fmt(n / seconds)} frames/s`);
console.log(`check: best bid ${book.bids[0]?.[0]} x ${book.bids[0]?.[1]}, best ask ${book.asks[0]?.[0]} x ${book.asks[0]?.[1]}`);
