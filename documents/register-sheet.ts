/**
 * The house style of every register workbook (.xlsx): a merged title row, a shaded header row, thin
 * borders, frozen panes, A4 landscape fitted to the page width, an auto-filter over the data. The same
 * rows and stamp date always give the same bytes: workbook and zip entry dates come from `date`.
 */
import { Workbook, type Borders, type Cell, type Row, type Worksheet } from 'exceljs';
import { instantAt, type LocalDate } from '../domain/local-time';
import { withZipEntryDates } from './zip';

export interface RegisterColumn {
  header: string;
  /** Width in characters. */
  width: number;
  align?: 'center' | 'left';
  wrap?: boolean;
}

export interface RegisterSheet {
  /** Workbook title (document properties). */
  title: string;
  sheetName: string;
  /** The text of the merged first row. */
  heading: string;
  columns: readonly RegisterColumn[];
  rows: readonly (string | number)[][];
  /** The local date the workbook is stamped with (never the clock). */
  date: LocalDate;
  timeZone: string;
  /** Styles a data row further (e.g. a red "overdue" cell). */
  decorate?: (row: Row, index: number) => void;
}

/** Row of the header; data start on the next row. */
export const HEADER_ROW = 2;

const THIN: Partial<Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

export async function buildRegisterWorkbook(spec: RegisterSheet): Promise<Buffer> {
  const workbook = new Workbook();
  const stamp = instantAt(spec.date, '00:00', spec.timeZone);
  workbook.creator = 'huifang';
  workbook.lastModifiedBy = 'huifang';
  workbook.created = stamp;
  workbook.modified = stamp;
  workbook.title = spec.title;

  const sheet = workbook.addWorksheet(spec.sheetName, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: HEADER_ROW, activeCell: `A${HEADER_ROW + 1}` }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `1:${HEADER_ROW}`,
    },
  });
  sheet.columns = spec.columns.map((c) => ({ width: c.width }));
  writeTitle(sheet, spec.heading, spec.columns.length);
  writeHeader(sheet, spec.columns);
  spec.rows.forEach((values, i) => {
    const row = sheet.addRow(values);
    row.eachCell({ includeEmpty: true }, (cell: Cell, col: number) => {
      const column = spec.columns[col - 1];
      cell.border = THIN;
      cell.alignment = { vertical: 'middle', horizontal: column?.align ?? 'left', wrapText: column?.wrap ?? false };
    });
    spec.decorate?.(row, i);
  });
  if (spec.rows.length > 0) {
    sheet.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: HEADER_ROW + spec.rows.length, column: spec.columns.length } };
  }
  const written = await workbook.xlsx.writeBuffer();
  return withZipEntryDates(Buffer.from(written as unknown as ArrayBuffer), spec.date);
}

function writeTitle(sheet: Worksheet, text: string, width: number): void {
  sheet.mergeCells(1, 1, 1, width);
  const cell = sheet.getCell(1, 1);
  cell.value = text;
  cell.font = { bold: true, size: 14 };
  cell.alignment = { horizontal: 'center', vertical: 'middle' };
  sheet.getRow(1).height = 28;
}

function writeHeader(sheet: Worksheet, columns: readonly RegisterColumn[]): void {
  const row = sheet.getRow(HEADER_ROW);
  row.values = columns.map((c) => c.header);
  row.height = 22;
  row.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = THIN;
  });
}
