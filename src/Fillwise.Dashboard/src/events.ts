// The engine's server-sent events read through fetch, because EventSource cannot send the
// Authorization header (and the token must not go into a URL). Reconnects by itself with backoff;
// a silent stream (the server writes a comment every 15 s) is treated as cut.

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'unauthorized' | 'stopped';

export interface StreamOptions {
  headers: Record<string, string>;
  onEvent: (kind: string, data: unknown) => void;
  onStatus: (status: StreamStatus, detail?: string) => void;
  /** Silence after which the stream counts as cut. */
  silenceMs?: number;
}

export class EventStream {
  private stopped = false;
  private controller: AbortController | null = null;
  private attempt = 0;

  constructor(private readonly options: StreamOptions) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
    this.options.onStatus('stopped');
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.options.onStatus(this.attempt === 0 ? 'connecting' : 'reconnecting', this.attempt === 0 ? undefined : `attempt ${this.attempt}`);
      const controller = new AbortController();
      this.controller = controller;
      try {
        const response = await fetch('/api/v1/events', { headers: this.options.headers, signal: controller.signal, cache: 'no-store' });
        if (response.status === 401) {
          this.stopped = true;
          this.options.onStatus('unauthorized');
          return;
        }
        if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
        await this.read(response.body, controller);
      } catch {
        // Cut, refused or aborted for silence: try again below.
      }
      if (this.stopped) return;
      this.attempt++;
      const delay = Math.min(10_000, 500 * 2 ** Math.min(this.attempt - 1, 5)) * (0.75 + Math.random() * 0.5);
      this.options.onStatus('reconnecting', `retry in ${Math.round(delay / 100) / 10} s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private async read(body: ReadableStream<Uint8Array>, controller: AbortController): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const silence = this.options.silenceMs ?? 40_000;
    let watchdog = setTimeout(() => controller.abort(), silence);
    const parser = new SseParser((kind, data) => {
      if (kind === 'hello') {
        this.attempt = 0;
        this.options.onStatus('live');
      }
      let parsed: unknown = data;
      try {
        parsed = JSON.parse(data);
      } catch {
        // Not JSON: handed on as text.
      }
      this.options.onEvent(kind, parsed);
    });
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        clearTimeout(watchdog);
        watchdog = setTimeout(() => controller.abort(), silence);
        parser.push(decoder.decode(value, { stream: true }));
      }
    } finally {
      clearTimeout(watchdog);
    }
  }
}

/** The text/event-stream format: `event:` and `data:` lines, a blank line ends an event, `:` starts a comment. */
export class SseParser {
  private buffer = '';
  private kind = '';
  private data: string[] = [];

  constructor(private readonly dispatch: (kind: string, data: string) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (match === null) return;
      // A lone \r at the end may be the first half of \r\n: wait for more.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) return;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.dispatch(this.kind || 'message', this.data.join('\n'));
      this.kind = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.kind = value;
    else if (field === 'data') this.data.push(value);
  }
}
