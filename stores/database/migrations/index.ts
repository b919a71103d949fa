/**
 * Every migration, in order, by name (Kysely's Migrator runs the ones a database has not had yet,
 * each in its own transaction, under a lock). Listed here rather than read from the folder, so the
 * same list works from sources (tsx, jest) and bundles. Never edit a migration that has shipped: add one.
 */
import type { Migration } from 'kysely';
import * as evidence from './0001-evidence';
import * as complianceFigures from './0002-compliance-figures';
import * as personalDataReads from './0003-personal-data-reads';
import * as eCallback from './0004-e-callback';

export const MIGRATIONS: Record<string, Migration> = {
  '0001-evidence': evidence,
  '0002-compliance-figures': complianceFigures,
  '0003-personal-data-reads': personalDataReads,
  '0004-e-callback': eCallback,
};
