// Charts drawn with TradingView's lightweight-charts: the day's PnL, and one price chart per open
// position with its entry, stop-loss and take-profit as lines. Strings become numbers only here,
// for drawing.

import { BaselineSeries, createChart, LineSeries, LineStyle, TickMarkType, type AutoscaleInfo, type IChartApi, type IPriceLine, type ISeriesApi, type Time, type UTCTimestamp } from 'lightweight-charts';
import type { History, Position } from './wire';

const colours = {
  text: '#3b4252',
  grid: '#eef0f4',
  up: '#067647',
  down: '#b42318',
  bid: '#1d4ed8',
  ask: '#94a3b8',
  entry: '#111827',
};

function seconds(iso: string): UTCTimestamp {
  return Math.floor(new Date(iso).getTime() / 1000) as UTCTimestamp;
}

function local(time: Time, withSeconds: boolean): string {
  const t = new Date((time as number) * 1000);
  return t.toLocaleTimeString(undefined, withSeconds ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false } : { hour: '2-digit', minute: '2-digit', hour12: false });
}

function baseChart(container: HTMLElement): IChartApi {
  return createChart(container, {
    autoSize: true,
    layout: { background: { color: '#ffffff' }, textColor: colours.text, fontSize: 11, attributionLogo: false },
    grid: { vertLines: { color: colours.grid }, horzLines: { color: colours.grid } },
    rightPriceScale: { borderVisible: false },
    timeScale: {
      borderVisible: false,
      rightOffset: 4,
      timeVisible: true,
      secondsVisible: true,
      tickMarkFormatter: (time: Time, type: TickMarkType) => local(time, type === TickMarkType.TimeWithSeconds),
    },
    localization: { timeFormatter: (time: Time) => local(time, true) },
    handleScroll: { mouseWheel: false, pressedMouseMove: true },
    handleScale: { mouseWheel: false },
  });
}

/** Adds points in time order: a point at the same second replaces the last, an older one is dropped. */
class Points {
  private last = 0;

  constructor(private readonly series: ISeriesApi<'Line'> | ISeriesApi<'Baseline'>) {}

  add(time: UTCTimestamp, value: number): void {
    if (!Number.isFinite(value) || time < this.last) return;
    this.series.update({ time, value });
    this.last = time;
  }
}

export class PnlChart {
  private readonly chart: IChartApi;
  private readonly points: Points;

  constructor(container: HTMLElement) {
    this.chart = baseChart(container);
    const series = this.chart.addSeries(BaselineSeries, {
      baseValue: { type: 'price', price: 0 },
      topLineColor: colours.up,
      topFillColor1: 'rgba(6,118,71,0.25)',
      topFillColor2: 'rgba(6,118,71,0.04)',
      bottomLineColor: colours.down,
      bottomFillColor1: 'rgba(180,35,24,0.04)',
      bottomFillColor2: 'rgba(180,35,24,0.25)',
      lineWidth: 2,
      priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
    });
    this.points = new Points(series);
  }

  addHistory(history: History): void {
    for (const p of history.pnl) this.points.add(seconds(p.time), Number(p.daily_pnl_dollars));
  }

  add(time: string, dailyPnl: string): void {
    this.points.add(seconds(time), Number(dailyPnl));
  }
}

/** Decimals of a price string ("0.4500" → 4), for the axis. */
function decimals(text: string | null | undefined): number {
  const dot = text?.indexOf('.') ?? -1;
  return text && dot >= 0 ? text.length - dot - 1 : 2;
}

interface PositionChart {
  root: HTMLElement;
  chart: IChartApi;
  bid: Points;
  ask: Points;
  bidSeries: ISeriesApi<'Line'>;
  lines: Map<string, IPriceLine>;
  levels: string;
  /** Entry, stop and take profit as numbers: the price axis always shows them. */
  marks: number[];
}

/** One chart per open position (each lot), fed by the quotes of its instrument. */
export class PositionCharts {
  private readonly charts = new Map<string, PositionChart>();
  private readonly series = new Map<string, { time: UTCTimestamp; bid: number | null; ask: number | null }[]>();

  constructor(private readonly container: HTMLElement) {}

  addHistory(history: History): void {
    for (const p of history.prices) for (const point of p.points) this.addPoint(p.instrument, point.time, point.bid, point.ask);
  }

  /** A live quote from /state. */
  addQuote(position: Position): void {
    if (position.quote) this.addPoint(position.instrument, position.quote.time, position.quote.bid, position.quote.ask);
  }

  private addPoint(instrument: string, time: string, bid: string | null, ask: string | null): void {
    const list = this.series.get(instrument) ?? [];
    const point = { time: seconds(time), bid: bid === null ? null : Number(bid), ask: ask === null ? null : Number(ask) };
    const last = list[list.length - 1];
    if (last && point.time < last.time) return;
    if (last && point.time === last.time) list[list.length - 1] = point;
    else list.push(point);
    if (list.length > 5000) list.splice(0, list.length - 5000);
    this.series.set(instrument, list);
    for (const chart of this.charts.values()) {
      if (chart.root.dataset['instrument'] !== instrument) continue;
      if (point.bid !== null) chart.bid.add(point.time, point.bid);
      if (point.ask !== null) chart.ask.add(point.time, point.ask);
    }
  }

  /** Exactly one chart per open position; a closed position's chart goes. */
  sync(positions: readonly Position[]): void {
    const open = new Set(positions.map((p) => p.position_id));
    for (const [id, chart] of this.charts) {
      if (open.has(id)) continue;
      chart.chart.remove();
      chart.root.remove();
      this.charts.delete(id);
    }
    for (const p of positions) {
      const chart = this.charts.get(p.position_id) ?? this.create(p);
      this.levels(chart, p);
    }
  }

  private create(p: Position): PositionChart {
    const root = document.createElement('figure');
    root.className = 'position-chart';
    root.dataset['instrument'] = p.instrument;
    root.dataset['positionId'] = p.position_id;
    const caption = document.createElement('figcaption');
    caption.textContent = `${p.ticker} ${p.side} · bid (blue), ask (grey), entry, stop, take profit`;
    const area = document.createElement('div');
    area.className = 'chart small';
    area.setAttribute('role', 'img');
    area.setAttribute('aria-label', `Price of ${p.ticker} ${p.side} with entry, stop-loss and take-profit lines`);
    root.append(caption, area);
    this.container.append(root);
    const chart = baseChart(area);
    const precision = Math.max(decimals(p.avg_entry_price_dollars), 2);
    const priceFormat = { type: 'price' as const, precision, minMove: 10 ** -precision };
    const marks: number[] = [];
    const autoscaleInfoProvider = (original: () => AutoscaleInfo | null): AutoscaleInfo | null => {
      const found = original();
      if (marks.length === 0) return found;
      const low = Math.min(...marks, found?.priceRange?.minValue ?? Infinity);
      const high = Math.max(...marks, found?.priceRange?.maxValue ?? -Infinity);
      return { priceRange: { minValue: low, maxValue: high }, margins: found?.margins ?? { above: 10, below: 10 } };
    };
    const bidSeries = chart.addSeries(LineSeries, { color: colours.bid, lineWidth: 2, priceFormat, title: 'bid', autoscaleInfoProvider });
    const askSeries = chart.addSeries(LineSeries, { color: colours.ask, lineWidth: 1, priceFormat, title: 'ask', autoscaleInfoProvider });
    const made: PositionChart = { root, chart, bid: new Points(bidSeries), ask: new Points(askSeries), bidSeries, lines: new Map(), levels: '', marks };
    for (const point of this.series.get(p.instrument) ?? []) {
      if (point.bid !== null) made.bid.add(point.time, point.bid);
      if (point.ask !== null) made.ask.add(point.time, point.ask);
    }
    this.charts.set(p.position_id, made);
    return made;
  }

  private levels(chart: PositionChart, p: Position): void {
    const levels = `${p.avg_entry_price_dollars}|${p.stop_loss_dollars}|${p.take_profit_dollars}`;
    if (chart.levels === levels) return;
    chart.levels = levels;
    for (const line of chart.lines.values()) chart.bidSeries.removePriceLine(line);
    chart.lines.clear();
    chart.marks.length = 0;
    const add = (name: string, price: string | null, color: string, style: LineStyle) => {
      if (price === null) return;
      chart.marks.push(Number(price));
      chart.lines.set(name, chart.bidSeries.createPriceLine({ price: Number(price), color, lineWidth: 1, lineStyle: style, axisLabelVisible: true, title: name }));
    };
    add('entry', p.avg_entry_price_dollars, colours.entry, LineStyle.Solid);
    add('stop', p.stop_loss_dollars, colours.down, LineStyle.Dashed);
    add('take profit', p.take_profit_dollars, colours.up, LineStyle.Dashed);
  }
}
