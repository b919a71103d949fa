/** Messages between the bench (bench/children.ts) and its child processes (bench/child.ts). */
import type { PayloadKeyring } from '../client/encryption-codec';
import type { CallCenterStats } from './call-center';
import type { PlanMode } from './settings';

/** The issuance token the bench's API child accepts (a throwaway API on loopback, gone with the bench). */
export const BENCH_API_TOKEN = 'hfm_bench-intake';

export interface WorkerTuning {
  maxConcurrentWorkflowTaskExecutions: number;
  maxConcurrentActivityTaskExecutions: number;
  maxCachedWorkflows: number;
}

export interface EncodedKeyring {
  currentKeyId: string;
  keys: [string, string][];
}

export interface ChildConfig {
  role: 'worker-huifang' | 'worker-bare' | 'api';
  address: string;
  namespace: string;
  taskQueue: string;
  keyring: EncodedKeyring;
  bundlePath: string;
  planMode: PlanMode;
  /** Plan mode 'wave': when the slot opens (ISO instant, a whole minute later today in Beijing time). */
  waveAt?: string;
  callCenter: 'bench' | 'staff';
  /** The bench call center's seats: calls in progress at once (default: no limit). */
  seats?: number;
  tuning: WorkerTuning;
  recordingsDir: string;
  outputDir: string;
  /** The system of record the huifang worker writes its evidence to. */
  databaseUrl: string;
  /** 'none': the huifang worker's evidence writes are no-ops (the baseline of their CPU cost); default 'postgres'. */
  evidence?: 'postgres' | 'none';
}

export interface ChildSample {
  rss: number;
  peakRss: number;
  heapUsed: number;
  /** CPU time (user + system) of the child since it started. */
  cpuMs: number;
  callCenter?: CallCenterStats;
}

export type ToChild = { type: 'start'; config: ChildConfig } | { type: 'sample'; id: number } | { type: 'stop' };
export type ToParent =
  | { type: 'ready'; url?: string }
  | { type: 'sample'; id: number; sample: ChildSample }
  | { type: 'stopped'; sample: ChildSample }
  | { type: 'fatal'; error: string };

export function encodeKeyring(k: PayloadKeyring): EncodedKeyring {
  return { currentKeyId: k.currentKeyId, keys: [...k.keys].map(([id, key]) => [id, key.toString('base64')]) };
}

export function decodeKeyring(k: EncodedKeyring): PayloadKeyring {
  return { currentKeyId: k.currentKeyId, keys: new Map(k.keys.map(([id, b64]) => [id, Buffer.from(b64, 'base64')])) };
}
