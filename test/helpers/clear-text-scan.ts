/**
 * Finds personal data in clear text anywhere in a workflow history, as anyone reading the raw
 * history (CLI, Web UI, a JSON download) would find it: every string field (failure messages,
 * identities, task queue names...) and every bytes field decoded as UTF-8 text: payload data and
 * metadata of inputs, results, signals, updates, queries, markers, memos, search attributes, headers,
 * user metadata (summary and details) and failure details. `JSON.stringify` of a history is no such
 * search: its bytes fields are arrays of numbers there, so a plain-text phone number in a payload
 * would not be found.
 */
import type { History } from '@temporalio/common/lib/proto-utils';

export interface ClearTextFinding {
  /** Where in the history, e.g. `events[0].workflowExecutionStartedEventAttributes.input.payloads[0].data`. */
  path: string;
  /** Which of the searched values was found (by its label, never the value itself). */
  what: string;
}

/** Every piece of text a history holds, with its path: strings as they are, bytes decoded as UTF-8. */
export function textsOf(value: unknown, path = '', out: { path: string; text: string }[] = []): { path: string; text: string }[] {
  if (value == null) return out;
  if (typeof value === 'string') {
    out.push({ path, text: value });
  } else if (value instanceof Uint8Array) {
    out.push({ path, text: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8') });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => textsOf(v, `${path}[${i}]`, out));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) textsOf(v, path ? `${path}.${k}` : k, out);
  }
  return out;
}

/** `s` with every non-ASCII character written as a JSON \uXXXX escape (how some encoders write CJK names). */
function jsonEscaped(s: string, upper = false): string {
  const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(4, '0');
  return [...s].map((c) => (c.charCodeAt(0) < 128 ? c : `\\u${upper ? hex(c).toUpperCase() : hex(c)}`)).join('');
}

/**
 * Where any of `needles` (label → value) occurs in clear text in `history`, also JSON-escaped.
 * Values must be non-trivial (at least 2 characters), so a hit means the value is there.
 */
export function findClearText(history: History, needles: Record<string, string>): ClearTextFinding[] {
  for (const [what, value] of Object.entries(needles)) {
    if (typeof value !== 'string' || value.length < 2) throw new Error(`nothing to search for as ${what}: ${JSON.stringify(value)}`);
  }
  const findings: ClearTextFinding[] = [];
  for (const { path, text } of textsOf(history)) {
    for (const [what, value] of Object.entries(needles)) {
      const forms = new Set([value, jsonEscaped(value), jsonEscaped(value, true)]);
      if ([...forms].some((f) => text.includes(f))) findings.push({ path, what });
    }
  }
  return findings;
}
