/** Starting and talking to the bench's child processes (bench/child.ts). */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ChildConfig, ChildSample, ToChild, ToParent } from './ipc';

export class BenchChild {
  private nextId = 0;
  private readonly waiting = new Map<number, (s: ChildSample) => void>();
  private stopped?: (s: ChildSample) => void;
  private failure?: string;
  url?: string;

  private constructor(
    readonly proc: ChildProcess,
    readonly role: ChildConfig['role'],
  ) {}

  get pid(): number {
    return this.proc.pid!;
  }

  /**
   * `profileDir`: run the child under `node --cpu-prof`; its profiles (one per thread: the worker runs
   * workflow code in a worker thread) are written there when it stops, named CPU.<date>.<time>.<pid>.<thread>.<seq>.
   */
  static async start(config: ChildConfig, profileDir?: string): Promise<BenchChild> {
    // Forked with this process's exec arguments: under tsx the child runs TypeScript too.
    const execArgv = [...process.execArgv, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
    const proc = fork(join(__dirname, 'child.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    const child = new BenchChild(proc, config.role);
    const ready = new Promise<void>((resolve, reject) => {
      proc.on('message', (msg: ToParent) => {
        switch (msg.type) {
          case 'ready':
            child.url = msg.url;
            resolve();
            break;
          case 'sample':
            child.waiting.get(msg.id)?.(msg.sample);
            child.waiting.delete(msg.id);
            break;
          case 'stopped':
            child.stopped?.(msg.sample);
            break;
          case 'fatal':
            child.failure = msg.error;
            console.error(`[bench] ${config.role} failed: ${msg.error}`);
            reject(new Error(`${config.role}: ${msg.error}`));
            break;
        }
      });
      proc.once('exit', (code) => reject(new Error(`${config.role} exited (code ${code}) before it was ready`)));
    });
    child.send({ type: 'start', config });
    await ready;
    return child;
  }

  private send(msg: ToChild): void {
    this.proc.send(msg);
  }

  /** Memory and CPU of the child now (and its peak RSS so far). */
  sample(): Promise<ChildSample> {
    if (this.failure) return Promise.reject(new Error(this.failure));
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.send({ type: 'sample', id });
    });
  }

  /** Stops the worker or API cleanly, then the process; returns the last sample. */
  async stop(): Promise<ChildSample> {
    const exited = new Promise((r) => this.proc.once('exit', r));
    const last = new Promise<ChildSample>((resolve) => (this.stopped = resolve));
    this.send({ type: 'stop' });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 60_000);
    const sample = await Promise.race([last, exited.then(() => undefined)]);
    await exited;
    clearTimeout(timer);
    return sample ?? { rss: 0, peakRss: 0, heapUsed: 0, cpuMs: 0 };
  }
}
