/**
 * The agent transfer register (《业务人员转办单明细簿》) of one central sub-branch for one day, as an
 * .xlsx workbook: the tier-3 handler's list of the day's transfer orders, which the agents sign
 * (the sign-receipt step) and against which replies and archiving are tracked.
 *
 * The same tickets and options always give the same bytes: workbook dates and zip entry dates come
 * from `opts.date`, never from the clock.
 */
import { Workbook, type Borders, type Worksheet } from 'exceljs';
import { DEFAULT_TIME_ZONE, instantAt, isValidLocalDate, localDateOf, type LocalDate } from '../../domain/local-time';
import type { TicketState } from '../../domain/ticket';
import {
  TICKET_TYPE_LABELS,
  formatLocalDateTime,
  isOverdue,
  reasonText,
  replyText,
  stepAt,
  type ReasonLabels,
} from './format';
import { withZipEntryDates } from './zip';

export interface TransferRegisterOptions {
  centralSubBranch: string;
  date: LocalDate;
  labels: ReasonLabels;
  /** Defaults to Asia/Shanghai. */
  timeZone?: string;
}

export const REGISTER_TITLE = '业务人员转办单明细簿';
export const REGISTER_SHEET_NAME = '转办单明细';

/** The register's columns, left to right: header and width (in characters). */
export const REGISTER_COLUMNS = [
  { header: '序号', width: 6 },
  { header: '转办单号', width: 20 },
  { header: '保单号', width: 20 },
  { header: '转办类型', width: 11 },
  { header: '问题原因', width: 22 },
  { header: '四级机构', width: 12 },
  { header: '业务员代码', width: 12 },
  { header: '派发时间', width: 17 },
  { header: '交业务员时间', width: 17 },
  { header: '业务员签收时间', width: 17 },
  { header: '回复时间', width: 17 },
  { header: '回复内容', width: 36 },
  { header: '是否逾期', width: 9 },
  { header: '归档时间', width: 17 },
] as const;

/** Row of the header; data start on the next row. */
export const REGISTER_HEADER_ROW = 2;

const THIN: Partial<Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

/** The tickets of the register: of this sub-branch, created or dispatched on `date`, in dispatch order. */
export function registerTickets(tickets: readonly TicketState[], centralSubBranch: string, date: LocalDate, timeZone = DEFAULT_TIME_ZONE): TicketState[] {
  const onDay = (iso: string | undefined) => iso !== undefined && !Number.isNaN(Date.parse(iso)) && localDateOf(new Date(iso), timeZone) === date;
  const sortKey = (t: TicketState) => stepAt(t, 'dispatch') ?? t.createdAt;
  return tickets
    .filter((t) => t.org.centralSubBranch === centralSubBranch && (onDay(t.createdAt) || onDay(stepAt(t, 'dispatch'))))
    .sort((a, b) => cmp(Date.parse(sortKey(a)), Date.parse(sortKey(b))) || cmp(a.ticketId, b.ticketId));
}

export async function buildTransferRegister(tickets: TicketState[], opts: TransferRegisterOptions): Promise<Buffer> {
  const { centralSubBranch, date, labels } = opts;
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  if (!isValidLocalDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const rows = registerTickets(tickets, centralSubBranch, date, timeZone);

  const workbook = new Workbook();
  const stamp = instantAt(date, '00:00', timeZone);
  workbook.creator = 'huifang';
  workbook.lastModifiedBy = 'huifang';
  workbook.created = stamp;
  workbook.modified = stamp;
  workbook.title = `${REGISTER_TITLE} ${centralSubBranch} ${date}`;

  const sheet = workbook.addWorksheet(REGISTER_SHEET_NAME, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: REGISTER_HEADER_ROW, activeCell: `A${REGISTER_HEADER_ROW + 1}` }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `1:${REGISTER_HEADER_ROW}`,
    },
  });
  sheet.columns = REGISTER_COLUMNS.map((c) => ({ width: c.width }));

  writeTitle(sheet, `《${REGISTER_TITLE}》　中心支公司：${centralSubBranch}　日期：${date}　共 ${rows.length} 件`);
  writeHeader(sheet);
  rows.forEach((t, i) => {
    const overdue = isOverdue(t);
    const row = sheet.addRow([
      i + 1,
      t.ticketId,
      t.policyNo,
      TICKET_TYPE_LABELS[t.type] ?? t.type,
      reasonText(t.reasons, labels),
      t.org.tier4Office,
      t.agentCode,
      formatLocalDateTime(stepAt(t, 'dispatch'), timeZone),
      formatLocalDateTime(stepAt(t, 'hand-to-agent'), timeZone),
      formatLocalDateTime(stepAt(t, 'sign-receipt'), timeZone),
      formatLocalDateTime(t.reply?.at, timeZone),
      replyText(t),
      overdue ? '是' : '否',
      formatLocalDateTime(stepAt(t, 'archive'), timeZone),
    ]);
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cell.border = THIN;
      cell.alignment = { vertical: 'middle', horizontal: col === 1 || col === 13 ? 'center' : 'left', wrapText: col === 5 || col === 12 };
    });
    if (overdue) row.getCell(13).font = { bold: true, color: { argb: 'FFC00000' } };
  });
  if (rows.length > 0) {
    sheet.autoFilter = { from: { row: REGISTER_HEADER_ROW, column: 1 }, to: { row: REGISTER_HEADER_ROW + rows.length, column: REGISTER_COLUMNS.length } };
  }

  const written = await workbook.xlsx.writeBuffer();
  return withZipEntryDates(Buffer.from(written as unknown as ArrayBuffer), date);
}

function writeTitle(sheet: Worksheet, text: string): void {
  sheet.mergeCells(1, 1, 1, REGISTER_COLUMNS.length);
  const cell = sheet.getCell(1, 1);
  cell.value = text;
  cell.font = { bold: true, size: 14 };
  cell.alignment = { horizontal: 'center', vertical: 'middle' };
  sheet.getRow(1).height = 28;
}

function writeHeader(sheet: Worksheet): void {
  const row = sheet.getRow(REGISTER_HEADER_ROW);
  row.values = REGISTER_COLUMNS.map((c) => c.header);
  row.height = 22;
  row.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = THIN;
  });
}

function cmp<T extends number | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
