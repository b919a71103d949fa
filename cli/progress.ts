/**
 * Import progress on stderr: a bar redrawn in place on a terminal, a plain line now and then
 * otherwise (a log file or CI output gets readable lines, not carriage returns).
 */
import type { ImportProgress } from '../client/import-contracts';
import type { Output } from './command';

const BAR_WIDTH = 30;
const REDRAW_MS = 100;
const PLAIN_EVERY_MS = 2_000;

export interface ProgressReporter {
  update(progress: ImportProgress): void;
  /** Leaves the terminal on a fresh line. */
  finish(): void;
}

export function progressReporter(out: Output, now: () => number = Date.now): ProgressReporter {
  let pending: ImportProgress | undefined; // the latest update, not drawn yet
  let drawn = false;
  const tty = Boolean(out.isTTY);
  // A terminal shows the bar at once; a log's first line comes after a period (short imports get none).
  let drawnAt = tty ? -Infinity : now();

  const draw = (p: ImportProgress) => {
    if (tty) out.write(`\r${progressBar(p)}\x1b[K`);
    else out.write(`${progressLine(p)}\n`);
    drawn = true;
    drawnAt = now();
    pending = undefined;
  };

  return {
    update(p) {
      pending = p;
      if (now() - drawnAt >= (tty ? REDRAW_MS : PLAIN_EVERY_MS)) draw(p);
    },
    finish() {
      // A terminal's bar ends on the final count; a log needs no last line (the summary follows).
      if (!tty) return;
      if (pending) draw(pending);
      if (drawn) out.write('\n');
    },
  };
}

/** `[########......................] 412/1000  41%  3 rejected  52/s` */
export function progressBar(p: ImportProgress): string {
  const ratio = p.total === 0 ? 1 : p.done / p.total;
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = '#'.repeat(filled) + '.'.repeat(BAR_WIDTH - filled);
  return `[${bar}] ${p.done}/${p.total}  ${Math.floor(ratio * 100)}%  ${p.rejected} rejected  ${rate(p)}/s`;
}

export function progressLine(p: ImportProgress): string {
  const pct = p.total === 0 ? 100 : Math.floor((p.done / p.total) * 100);
  return `progress: ${p.done}/${p.total} rows (${pct}%), ${p.rejected} rejected, ${rate(p)} rows/s`;
}

function rate(p: ImportProgress): string {
  const perSecond = p.done / Math.max(p.elapsedMs / 1000, 0.001);
  return perSecond >= 10 ? String(Math.round(perSecond)) : perSecond.toFixed(1);
}
