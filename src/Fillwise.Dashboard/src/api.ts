// Requests to the control API, with the token in the Authorization header only.

export class Unauthorized extends Error {
  constructor() {
    super('the control token was refused');
  }
}

export interface Answer<T> {
  status: number;
  body: T | null;
}

export class Api {
  constructor(private readonly token: string) {}

  get headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.token}` };
  }

  /** A GET that must succeed; a 401 throws Unauthorized. */
  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const answer = await this.send<T>('GET', path, undefined, signal);
    if (answer.status !== 200 || answer.body === null) throw new Error(`GET ${path}: HTTP ${answer.status}`);
    return answer.body;
  }

  /** A GET whose endpoint may not exist on this engine: null unless it answers 200. */
  async getOptional<T>(path: string): Promise<T | null> {
    try {
      const answer = await this.send<T>('GET', path);
      return answer.status === 200 ? answer.body : null;
    } catch (e) {
      if (e instanceof Unauthorized) throw e;
      return null;
    }
  }

  async post<T>(path: string, body?: unknown): Promise<Answer<T>> {
    return this.send<T>('POST', path, body);
  }

  private async send<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Answer<T>> {
    const init: RequestInit = { method, headers: { ...this.headers }, cache: 'no-store' };
    if (signal) init.signal = signal;
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
    }
    const response = await fetch(`/api/v1${path}`, init);
    if (response.status === 401) throw new Unauthorized();
    const text = await response.text();
    let parsed: T | null = null;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text) as T;
      } catch {
        parsed = null;
      }
    }
    return { status: response.status, body: parsed };
  }
}
