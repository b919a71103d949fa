/**
 * The evidence store with its writes taken out: the bench's baseline for what the evidence writes
 * cost the worker (bench/run.ts, `evidence: 'none'` in ChildConfig). The recordCallback / recordTicket
 * activities still run and still receive the whole state; only the transaction to PostgreSQL is gone.
 * Reads still go to the database (the happy path makes none).
 */
import { loadSettings } from '../config/settings';
import { evidenceKeptUntil } from '../domain/retention';
import { openDatabase } from '../stores/database/database';
import { EvidenceStore } from '../stores/evidence-store';
import type { WrappingKeys } from '../stores/personal-data-cipher';

export class NoEvidenceStore extends EvidenceStore {
  override async putCallback(): Promise<void> {}
  override async putTicket(): Promise<void> {}
}

export function openNoEvidenceStore(url: string, keys: WrappingKeys): NoEvidenceStore {
  const settings = loadSettings();
  return new NoEvidenceStore(openDatabase(url, { max: 2 }), {
    keys,
    timeZone: settings.timeZone,
    keptUntil: (c) => evidenceKeptUntil(c.issuedOn, c.termMonths, settings.retention),
  });
}
