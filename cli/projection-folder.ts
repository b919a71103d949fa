/**
 * The JSON projection folder the local-folder store used to keep (before PostgreSQL was the system
 * of record): <dir>/callbacks/<policyNo>.json holds a CallbackRecord, <dir>/tickets/<ticketId>.json
 * a TicketRecord (domain/callback-record.ts). Read here file by file, each checked against the record's
 * shape: a bad file gives an error naming the file and the field, and the others are still read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { CallbackRecord, TicketRecord } from '../domain/callback-record';
import { CALLBACK_STAGES } from '../domain/callback-state';
import { isValidLocalDate } from '../domain/local-time';
import { REASON_CODES, TICKET_TYPES } from '../domain/transfer-reasons';
import { ANSWERS } from '../domain/answers';
import { ACTOR_ROLES } from '../domain/ticket';
import { describeFieldErrors, toFieldErrors } from '../domain/validation';

export const PROJECTION_KINDS = ['callbacks', 'tickets'] as const;
export type ProjectionKind = (typeof PROJECTION_KINDS)[number];

// The old store's file names: the id is the name, so it must stay usable as one.
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be an id of letters, digits, . _ - (at most 128)');
const code = z.string().min(1, 'must not be empty');
const instant = z.iso.datetime({ offset: true, message: 'must be an ISO date-time with seconds and Z or an offset' });
const localDate = z.string().refine(isValidLocalDate, 'must be a calendar date written YYYY-MM-DD');
const revision = z.number().int('must be a whole number').min(0, 'must not be negative');
const actor = z.object({ role: z.enum(ACTOR_ROLES), id: code, office: z.string().optional() });

const fallbackSchema = z.object({
  kind: z.enum(['letter', 'onsite']).optional(),
  trigger: z.string(),
  requestedAt: instant,
  granted: z.boolean(),
  refusal: z.string().optional(),
  shareAtDecision: z.object({ fallbacks: z.number().int().min(0), callbacks: z.number().int().min(0), cap: z.number().min(0) }).optional(),
  documentRef: z.string().optional(),
  receipt: z
    .object({
      reference: z.string(),
      signedBy: z.string(),
      signedAt: instant,
      enteredAt: instant,
      answers: z.record(z.string(), z.enum(ANSWERS)),
      reportedProblems: z.array(z.enum(REASON_CODES)).optional(),
    })
    .optional(),
});

const waiverSchema = z.object({
  statementRef: z.string(),
  reportedBy: actor,
  reportedAt: instant,
  note: z.string().optional(),
  decision: z.object({ accepted: z.boolean(), by: actor, at: instant, reason: z.string().optional() }).optional(),
});

export const callbackRecordSchema = z.object({
  policyNo: id,
  channel: code,
  productType: code,
  regionCode: code,
  branch: code,
  centralSubBranch: code,
  tier4Office: code,
  agentCode: code,
  issuedOn: localDate.optional(),
  receiptSignedOn: localDate.optional(),
  startedAt: instant,
  required: z.boolean(),
  decisionReason: z.string(),
  coolingOffEndsAt: instant.optional(),
  stage: z.enum(CALLBACK_STAGES),
  completedCallAt: instant.optional(),
  completedBy: z.enum(['phone', 'letter', 'onsite']).optional(),
  attemptsMade: z.number().int('must be a whole number').min(0, 'must not be negative'),
  fallback: fallbackSchema.optional(),
  waiver: waiverSchema.optional(),
  ticketIds: z.array(id),
  closedAt: instant.optional(),
  revision,
  updatedAt: instant,
}) satisfies z.ZodType<CallbackRecord>;

export const ticketRecordSchema = z.object({
  ticketId: id,
  policyNo: id,
  type: z.enum(TICKET_TYPES),
  reasons: z.array(z.enum(REASON_CODES)),
  branch: code,
  centralSubBranch: code,
  tier4Office: code,
  agentCode: code,
  openedAt: instant,
  dispatchedAt: instant.optional(),
  dueAt: instant.optional(),
  repliedAt: instant.optional(),
  replyLate: z.boolean().optional(),
  overdue: z.boolean(),
  closedAt: instant.optional(),
  revision,
  updatedAt: instant,
}) satisfies z.ZodType<TicketRecord>;

/** One file of the folder: its record, or why it cannot be loaded. */
export type ProjectionFile =
  | { kind: 'callbacks'; file: string; ok: true; record: CallbackRecord }
  | { kind: 'tickets'; file: string; ok: true; record: TicketRecord }
  | { kind: ProjectionKind; file: string; ok: false; error: string };

/** The folder has no callbacks/ nor tickets/ (most likely the wrong path). */
export class ProjectionFolderError extends Error {}

/** Every *.json file under <dir>/callbacks and <dir>/tickets, checked, in name order (callbacks first). */
export function readProjectionFolder(dir: string): ProjectionFile[] {
  const listed = PROJECTION_KINDS.map((kind) => ({ kind, names: jsonFilesIn(join(dir, kind)) }));
  if (listed.every((l) => l.names === undefined)) {
    throw new ProjectionFolderError(`${dir} has neither a callbacks/ nor a tickets/ folder: not a projection folder`);
  }
  return listed.flatMap(({ kind, names }) => (names ?? []).map((name) => readOne(kind, join(dir, kind), name)));
}

function jsonFilesIn(dir: string): string[] | undefined {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function readOne(kind: ProjectionKind, dir: string, name: string): ProjectionFile {
  const file = join(dir, name);
  const fail = (error: string): ProjectionFile => ({ kind, file, ok: false, error });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return fail(`not readable JSON: ${(err as Error).message}`);
  }
  const idOf = name.slice(0, -'.json'.length);
  if (kind === 'callbacks') {
    const parsed = callbackRecordSchema.safeParse(json);
    if (!parsed.success) return fail(describeFieldErrors(toFieldErrors(parsed.error)));
    // The old store named each file after its record: another name means a copied or renamed file.
    if (parsed.data.policyNo !== idOf) return fail(`policyNo: is '${parsed.data.policyNo}', but the file is named for '${idOf}'`);
    return { kind, file, ok: true, record: parsed.data };
  }
  const parsed = ticketRecordSchema.safeParse(json);
  if (!parsed.success) return fail(describeFieldErrors(toFieldErrors(parsed.error)));
  if (parsed.data.ticketId !== idOf) return fail(`ticketId: is '${parsed.data.ticketId}', but the file is named for '${idOf}'`);
  return { kind, file, ok: true, record: parsed.data };
}
