/** Where a local run keeps its files; each can be moved by its environment variable (a shared volume on a cluster). */
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

/** Call recordings (HUIFANG_RECORDINGS_DIR, default data/recordings). */
export const DEFAULT_RECORDINGS_DIR = process.env.HUIFANG_RECORDINGS_DIR ?? resolve(ROOT, 'data', 'recordings');
/** Registers, printable orders, letters, uploaded statements and receipts (HUIFANG_OUTPUT_DIR, default output/). */
export const DEFAULT_OUTPUT_DIR = process.env.HUIFANG_OUTPUT_DIR ?? resolve(ROOT, 'output');
/**
 * Where the simulated SMS gateway writes what it would send (HUIFANG_SMS_OUTBOX, default
 * data/sms-outbox.jsonl): open an e-callback link from there on a local run.
 */
export const DEFAULT_SMS_OUTBOX = process.env.HUIFANG_SMS_OUTBOX ?? resolve(ROOT, 'data', 'sms-outbox.jsonl');
