/** Small numeric helpers of the bench: percentiles, CPU time of a process, progress lines. */
import { readdirSync, readFileSync } from 'node:fs';

export interface Percentiles {
  count: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles, in the unit of the input (milliseconds throughout the bench). */
export function percentiles(values: number[]): Percentiles {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return { count: 0, min: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const at = (p: number) => v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    count: v.length,
    min: round(v[0]),
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(v[v.length - 1]),
    mean: round(v.reduce((a, b) => a + b, 0) / v.length),
  };
}

const TICK_MS = 10; // getconf CLK_TCK = 100 on Linux

/** User + system CPU time of a process (and its reaped children) in ms, from /proc; 0 elsewhere. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11..14] = utime, stime, cutime, cstime (fields 14-17 of proc(5))
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * CPU time in ms of every process with this command name (e.g. 'postgres': the server and its
 * backends; a backend that ended is in its parent's reaped-children time), from /proc; 0 elsewhere.
 */
export function commandCpuMs(command: string): number {
  let total = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === command) total += processCpuMs(Number(pid));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** Resident memory of a process in bytes, from /proc; 0 elsewhere. */
export function processRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
export const round1 = (x: number) => Math.round(x * 10) / 10;

export function log(msg: string): void {
  console.log(`[bench] ${msg}`);
}

/** A progress line at most every `everyMs` (long work shows it is moving). */
export function progress(label: string, total: number, everyMs = 2000): (done: number, extra?: string) => void {
  const started = Date.now();
  let last = 0;
  return (done, extra) => {
    const now = Date.now();
    if (done < total && now - last < everyMs) return;
    last = now;
    const rate = done / Math.max(0.001, (now - started) / 1000);
    log(`  ${label}: ${done}/${total} (${rate.toFixed(1)}/s)${extra ? ` ${extra}` : ''}`);
  };
}

/** Runs `fn` for 0..n-1 with at most `concurrency` calls in flight. */
export async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, n) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      await fn(i);
    }
  });
  await Promise.all(lanes);
}

/** Busy CPU time of the whole machine in ms (every process, ours and others'), from /proc/stat. */
export function machineBusyMs(): number {
  try {
    const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = f.map(Number);
    return (user + nice + system + irq + softirq + steal) * TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * CPU time in ms of a process's threads (/proc/<pid>/task), by thread: Node does not name its
 * threads, so they are told apart as the main thread (tid = pid), the Temporal SDK core's Rust
 * threads (named tokio-runtime-w…, temporal-real-s…, workflow-proces…), and the other Node threads
 * (the workflow sandbox's worker thread, V8 GC and compiler threads, libuv's pool), by tid.
 * Threads that ended are not counted. Empty where /proc is absent.
 */
export function threadCpuMs(pid: number): { main: number; sdkCoreRust: number; otherNode: Record<string, number> } {
  const out = { main: 0, sdkCoreRust: 0, otherNode: {} as Record<string, number> };
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(f[11]) + Number(f[12])) * TICK_MS;
      if (tid === String(pid)) out.main += ms;
      else if (name !== 'node') out.sdkCoreRust += ms;
      else out.otherNode[tid] = ms;
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** `after - before` of threadCpuMs, with the busiest other Node thread singled out (in a worker: the workflow thread). */
export function threadCpuDelta(before: ReturnType<typeof threadCpuMs>, after: ReturnType<typeof threadCpuMs>) {
  const others = Object.entries(after.otherNode).map(([tid, ms]) => ms - (before.otherNode[tid] ?? 0));
  const busiest = Math.max(0, ...others);
  return {
    mainThread: after.main - before.main,
    busiestOtherNodeThread: busiest,
    restOfNodeThreads: others.reduce((a, b) => a + b, 0) - busiest,
    sdkCoreRustThreads: after.sdkCoreRust - before.sdkCoreRust,
  };
}
