/**
 * The CSV columns of a contract: its dotted field names (`premium.amount`, `org.branch`), read off
 * contractSchema itself, so a field added to the schema is a column without touching the CLI.
 */
import { z } from 'zod';
import { contractSchema } from '../domain/contract';

export interface ContractColumn {
  /** The dotted name, as written in the header. */
  name: string;
  path: string[];
  /** Cells of number fields are converted; the schema would refuse the text. */
  numeric: boolean;
  /** Cells of yes/no fields: `true` and `false` are converted, anything else left for the schema to name. */
  boolean: boolean;
  /** An empty cell leaves the field out, rather than offering the schema an empty string. */
  optional: boolean;
}

export const CONTRACT_COLUMNS: readonly ContractColumn[] = leaves(contractSchema, [], false);

/** A field inside an optional object (callPreference.from) is optional as a column too. */
function leaves(schema: z.ZodObject, prefix: string[], parentOptional: boolean): ContractColumn[] {
  return Object.entries(schema.shape).flatMap(([key, field]) => {
    const path = [...prefix, key];
    const optional = parentOptional || field instanceof z.ZodOptional;
    const inner = field instanceof z.ZodOptional ? (field as z.ZodOptional).unwrap() : field;
    if (inner instanceof z.ZodObject) return leaves(inner, path, optional);
    return [{ name: path.join('.'), path, numeric: inner instanceof z.ZodNumber, boolean: inner instanceof z.ZodBoolean, optional }];
  });
}

/** The header names no column of a contract, or lacks a required one: no row could be right. */
export class HeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeaderError';
  }
}

/** Matches header cells to contract columns (in any order); throws naming every problem at once. */
export function resolveHeader(cells: readonly string[]): ContractColumn[] {
  const byName = new Map(CONTRACT_COLUMNS.map((c) => [c.name, c]));
  const names = cells.map((c) => c.trim());
  const unknown = names.filter((n) => !byName.has(n));
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  const missing = CONTRACT_COLUMNS.filter((c) => !c.optional && !names.includes(c.name)).map((c) => c.name);
  const problems = [
    unknown.length ? `unknown column(s): ${unknown.map((n) => JSON.stringify(n)).join(', ')}` : '',
    repeated.length ? `repeated column(s): ${repeated.join(', ')}` : '',
    missing.length ? `missing column(s): ${missing.join(', ')}` : '',
  ].filter(Boolean);
  if (problems.length) {
    throw new HeaderError(`the header ${problems.join('; ')}\n  expected: ${CONTRACT_COLUMNS.map((c) => c.name).join(',')}`);
  }
  return names.map((n) => byName.get(n)!);
}

/** One CSV row as a contract-shaped object, for contractSchema to judge. */
export function cellsToContract(columns: readonly ContractColumn[], cells: readonly string[]): Record<string, unknown> {
  const contract: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const text = (cells[i] ?? '').trim();
    if (text === '' && (column.optional || column.numeric)) return;
    setPath(contract, column.path, column.numeric ? toNumber(text) : column.boolean ? toBoolean(text) : text);
  });
  return contract;
}

/** Plain decimals only; anything else stays text so the schema names the field and says why. */
function toNumber(text: string): number | string {
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

function toBoolean(text: string): boolean | string {
  return text === 'true' ? true : text === 'false' ? false : text;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}
