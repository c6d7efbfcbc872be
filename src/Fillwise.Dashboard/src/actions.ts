// What a person can do from the page, each behind its confirmation: emergency stop (a dialog),
// kill-switch reset (typed RESET), close a position (a dialog), real trading on (two steps: a
// button, then typed LIVE); dry run on is one step, since it only stops trading.

import type { Api } from './api';
import { byId } from './dom';
import { or } from './format';
import type { Position } from './wire';

export interface ActionHooks {
  api: () => Api;
  toast: (text: string, bad?: boolean) => void;
  refresh: () => void;
  unauthorized: (e: unknown) => boolean;
}

/** Opens a dialog and resolves with whether the person confirmed. */
function ask(dialog: HTMLDialogElement): Promise<boolean> {
  return new Promise((resolve) => {
    dialog.returnValue = '';
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.showModal();
  });
}

/** A dialog whose confirm button is enabled only while the input holds the word. */
function typed(input: HTMLInputElement, confirm: HTMLButtonElement, word: string): void {
  input.value = '';
  confirm.disabled = true;
  input.oninput = () => {
    confirm.disabled = input.value.trim() !== word;
  };
}

function message(body: unknown, fallback: string): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    for (const key of ['message', 'error', 'reason']) if (typeof b[key] === 'string') return b[key] as string;
  }
  return fallback;
}

export function wireActions(hooks: ActionHooks): { close: (p: Position) => void; dryRun: (on: boolean) => void } {
  const run = async (what: () => Promise<void>) => {
    try {
      await what();
    } catch (e) {
      if (!hooks.unauthorized(e)) hooks.toast(`The request failed: ${e instanceof Error ? e.message : String(e)}`, true);
    } finally {
      hooks.refresh();
    }
  };

  byId('emergency-stop').addEventListener('click', async () => {
    const dialog = byId<HTMLDialogElement>('confirm-stop');
    byId<HTMLInputElement>('stop-reason').value = '';
    if (!(await ask(dialog))) return;
    const reason = byId<HTMLInputElement>('stop-reason').value.trim();
    await run(async () => {
      const answer = await hooks.api().post<{ trading_state: string; last_sweep?: { canceled: number; errors: number } }>('/emergency-stop', reason ? { reason } : {});
      if (answer.status !== 200) return hooks.toast(`Emergency stop failed: ${message(answer.body, `HTTP ${answer.status}`)}`, true);
      const sweep = answer.body?.last_sweep;
      hooks.toast(`Emergency stop: trading ${answer.body?.trading_state ?? 'halted'}` + (sweep ? `, ${sweep.canceled} resting order(s) canceled${sweep.errors ? `, ${sweep.errors} errors` : ''}` : ''));
    });
  });

  byId('kill-reset').addEventListener('click', async () => {
    const input = byId<HTMLInputElement>('reset-word');
    typed(input, byId<HTMLButtonElement>('confirm-reset-yes'), 'RESET');
    if (!(await ask(byId<HTMLDialogElement>('confirm-reset')))) return;
    await run(async () => {
      const answer = await hooks.api().post('/kill-switch/reset', { confirm: input.value.trim() });
      hooks.toast(answer.status === 200 ? 'Kill switch reset: trading is active again' : `Reset refused: ${message(answer.body, `HTTP ${answer.status}`)}`, answer.status !== 200);
    });
  });

  const close = async (p: Position) => {
    byId('confirm-close-text').textContent =
      `Exit ${p.contracts} ${p.ticker} ${p.side} (entered at ${or(p.avg_entry_price_dollars)}) at the best price on the venue now, as a stop-loss would.`;
    if (!(await ask(byId<HTMLDialogElement>('confirm-close')))) return;
    await run(async () => {
      const answer = await hooks.api().post<Record<string, unknown>>(`/positions/${encodeURIComponent(p.position_id)}/close`);
      const outcome = answer.body?.['outcome'];
      hooks.toast(answer.status === 200 ? `Close ${p.ticker}: ${typeof outcome === 'string' ? outcome : 'sent'}` : `Close refused: ${message(answer.body, `HTTP ${answer.status}`)}`, answer.status !== 200);
    });
  };

  const dryRun = async (on: boolean) => {
    if (!on) {
      // Step two of two: the word, typed.
      const input = byId<HTMLInputElement>('live-word');
      typed(input, byId<HTMLButtonElement>('confirm-live-yes'), 'LIVE');
      if (!(await ask(byId<HTMLDialogElement>('confirm-live')))) return;
      await run(async () => {
        const answer = await hooks.api().post('/dry-run', { dry_run: false, confirm: input.value.trim() });
        hooks.toast(answer.status === 200 ? 'Real trading is on' : `Refused: ${message(answer.body, `HTTP ${answer.status}`)}`, answer.status !== 200);
      });
      return;
    }
    await run(async () => {
      const answer = await hooks.api().post('/dry-run', { dry_run: true });
      hooks.toast(answer.status === 200 ? 'Dry run: nothing new goes to the venue' : `Refused: ${message(answer.body, `HTTP ${answer.status}`)}`, answer.status !== 200);
    });
  };

  return { close: (p) => void close(p), dryRun: (on) => void dryRun(on) };
}
