/**
 * A small RFC 4180 CSV reader: quoted fields may hold commas, doubled quotes and line breaks; CRLF
 * and LF both end a record; a UTF-8 BOM (Excel's "CSV UTF-8") is dropped. Each record carries the
 * line it starts on, so a rejected row can be found in the file even when a cell spans lines.
 */

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  cells: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
  }
}

/** Blank lines are skipped (a trailing newline, or spacing a person left in by hand). */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current cell had quotes (so an empty "" cell is still a cell)
  let recordHasQuotes = false; // so a line holding just "" is a record, not a blank line
  let i = 0;

  const endCell = () => {
    cells.push(cell);
    cell = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    endCell();
    if (!(cells.length === 1 && cells[0] === '' && !recordHasQuotes)) records.push({ line: recordLine, cells });
    cells = [];
    recordHasQuotes = false;
  };

  while (i < src.length) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        // Only a separator or the end of the record may follow a closing quote.
        const next = src[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new CsvSyntaxError(line, 'unexpected text after a closing quote (a quote inside a quoted cell must be doubled: "")');
        }
        continue;
      }
      if (ch === '\n') line++;
      cell += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (cell !== '' || wasQuoted) throw new CsvSyntaxError(line, 'a quote in the middle of an unquoted cell (quote the whole cell and double the quote)');
      quoted = true;
      wasQuoted = true;
      recordHasQuotes = true;
      i++;
    } else if (ch === ',') {
      endCell();
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      cell += ch;
      i++;
    }
  }
  if (quoted) throw new CsvSyntaxError(recordLine, 'a quoted cell is never closed');
  if (cell !== '' || cells.length > 0 || wasQuoted) endRecord();
  return records;
}
