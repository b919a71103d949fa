/**
 * The batch import: every row checked against contractSchema and the intake rules (no receipt signed
 * after today, a preferred window outside calling hours only at the customer's request), every valid row started, a result per
 * row in file order, and never a stop half-way (a bad or failing row is reported, the rest go on).
 * Kept free of files and terminals so tests and the bench drive it directly; cli/import-command.ts wires it up.
 *
 * Starting is idempotent (`callback-<policyNo>`, USE_EXISTING), so re-running a file, whole or after
 * an interruption, starts only what is missing and reports the runs already there.
 */
import type { HuifangClient, StartedCallback } from './huifang-client';
import { repostRefusal, type StoredContract } from '../domain/contract-differences';
import { contractSchema, intakeRejections, type Contract, type IntakeRules } from '../domain/contract';
import { toFieldErrors, type FieldError } from '../domain/validation';

/** A row of a contract file (cli/contract-file.ts) or a batch, as read: judged here, row by row. */
export type SourceRow =
  | { row: number; value: unknown }
  /** A row that cannot even be read as a contract (a CSV row with the wrong number of cells). */
  | { row: number; policyNo: string | null; error: string };

export const DEFAULT_CONCURRENCY = 8;

/** The `error` of rows an interruption kept from being tried: not bad rows, just not done yet. */
export const NOT_REACHED = 'not imported: the import was interrupted before this row';

/** The API batch's per-row shape, plus the policy number so a result reads on its own. */
export interface ImportResult {
  row: number;
  policyNo: string | null;
  ok: boolean;
  workflowId?: string;
  runId?: string;
  /** The row is not a valid contract: each offending field, dotted. */
  fields?: FieldError[];
  /** The row could not be read, or Temporal refused the start. */
  error?: string;
}

export interface ImportOptions {
  /** Today and the calling hours, as the API checks contracts against them. */
  intake: IntakeRules;
  /** Starts in flight at once: enough to hide round trips, few enough to spare the frontend. */
  concurrency?: number;
  /** Validate only: nothing is started. */
  dryRun?: boolean;
  /** Stops taking new rows (in-flight starts finish); rows not reached are reported as such. */
  signal?: AbortSignal;
}

export interface ImportProgress {
  total: number;
  done: number;
  rejected: number;
  elapsedMs: number;
}

export type StartCallback = (contract: Contract) => Promise<StartedCallback>;

/**
 * How the import starts a row, as the API does: a policy taken before with other values is refused
 * (naming what differs), not silently kept as it was; the same contract again answers its run.
 */
export function startUnlessChanged(huifang: HuifangClient, evidence: { storedContract(policyNo: string): Promise<StoredContract | undefined> }): StartCallback {
  return async (contract) => {
    const refusal = repostRefusal(await evidence.storedContract(contract.policyNo), contract);
    if (refusal) throw new Error(refusal);
    return huifang.startCallback(contract);
  };
}

export async function importContracts(
  rows: readonly SourceRow[],
  startCallback: StartCallback,
  options: ImportOptions,
  onProgress: (progress: ImportProgress) => void = () => {},
): Promise<ImportResult[]> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const startedAt = Date.now();
  const results: ImportResult[] = new Array(rows.length);
  const firstRowOf = new Map<string, number>();
  let next = 0;
  let done = 0;
  let rejected = 0;

  const settle = (i: number, result: ImportResult) => {
    results[i] = result;
    done++;
    if (!result.ok) rejected++;
    onProgress({ total: rows.length, done, rejected, elapsedMs: Date.now() - startedAt });
  };

  const processRow = async (source: SourceRow): Promise<ImportResult> => {
    if ('error' in source) return { row: source.row, policyNo: source.policyNo, ok: false, error: source.error };
    const parsed = contractSchema.safeParse(source.value);
    if (!parsed.success) {
      return { row: source.row, policyNo: rawPolicyNo(source.value), ok: false, fields: toFieldErrors(parsed.error) };
    }
    const contract = parsed.data;
    const refused = intakeRejections(contract, options.intake);
    if (refused.length > 0) return { row: source.row, policyNo: contract.policyNo, ok: false, fields: refused };
    // Two rows of one policy would share one workflow and the second's data would be silently
    // dropped: refuse it so the file gets fixed. (Rows are claimed in order, so the first wins.)
    const first = firstRowOf.get(contract.policyNo);
    if (first !== undefined) {
      return { row: source.row, policyNo: contract.policyNo, ok: false, fields: [{ field: 'policyNo', message: `repeats the policy of row ${first}` }] };
    }
    firstRowOf.set(contract.policyNo, source.row);
    if (options.dryRun) return { row: source.row, policyNo: contract.policyNo, ok: true };
    try {
      const started = await startCallback(contract);
      return { row: source.row, policyNo: contract.policyNo, ok: true, workflowId: started.workflowId, runId: started.runId };
    } catch (err) {
      return { row: source.row, policyNo: contract.policyNo, ok: false, error: (err as Error).message };
    }
  };

  // A fixed pool of lanes pulling the next row: at most `concurrency` starts in flight.
  const lane = async () => {
    while (next < rows.length && !options.signal?.aborted) {
      const i = next++;
      settle(i, await processRow(rows[i]));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, lane));

  for (let i = 0; i < rows.length; i++) {
    if (!results[i]) {
      const source = rows[i];
      const policyNo = 'error' in source ? source.policyNo : rawPolicyNo(source.value);
      settle(i, { row: source.row, policyNo, ok: false, error: NOT_REACHED });
    }
  }
  return results;
}

/** The policy number of a row as written, when there is one to show, even if the row is invalid. */
function rawPolicyNo(value: unknown): string | null {
  const p = (value as { policyNo?: unknown } | null)?.policyNo;
  return typeof p === 'string' && p !== '' ? p : null;
}

/** `rejected` counts every row not accepted, as the API's batch does; `notReached` is the part of it an interruption left. */
export function summarize(results: readonly ImportResult[]): { total: number; accepted: number; rejected: number; notReached: number } {
  const accepted = results.filter((r) => r.ok).length;
  const notReached = results.filter((r) => r.error === NOT_REACHED).length;
  return { total: results.length, accepted, rejected: results.length - accepted, notReached };
}
