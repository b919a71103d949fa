/**
 * Reads a file of contracts, CSV or JSON, into rows for the import: each row keeps where it came
 * from (CSV: the line it starts on; JSON: its index in the array, as the API's batch numbers rows)
 * and is not judged here; contractSchema does that, row by row, in the import.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { cellsToContract, resolveHeader } from './contract-columns';
import { parseCsv } from './csv';
import type { SourceRow } from '../client/import-contracts';

export type { SourceRow };

/** The file cannot be imported at all (unreadable, not CSV/JSON, malformed): nothing was started. */
export class ContractFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ContractFileError';
  }
}

export function readContractFile(file: string): SourceRow[] {
  const format = extname(file).toLowerCase();
  if (format !== '.csv' && format !== '.json') throw new ContractFileError(file, 'expected a .csv or .json file');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ContractFileError(file, (err as Error).message);
  }
  try {
    return format === '.csv' ? csvRows(text) : jsonRows(text);
  } catch (err) {
    throw new ContractFileError(file, (err as Error).message);
  }
}

export function csvRows(text: string): SourceRow[] {
  const [header, ...records] = parseCsv(text);
  if (!header) throw new Error('the file is empty (a header line of contract field names is expected)');
  const columns = resolveHeader(header.cells);
  const policyNoAt = columns.findIndex((c) => c.name === 'policyNo');
  return records.map(({ line, cells }) =>
    cells.length === columns.length
      ? { row: line, value: cellsToContract(columns, cells) }
      : { row: line, policyNo: cells[policyNoAt]?.trim() || null, error: `the row has ${cells.length} cells, the header ${columns.length}` },
  );
}

export function jsonRows(text: string): SourceRow[] {
  const parsed: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (!Array.isArray(parsed)) throw new Error('expected a JSON array of contracts');
  return parsed.map((value, row) => ({ row, value }));
}
