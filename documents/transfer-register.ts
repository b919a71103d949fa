/**
 * The agent transfer register (《业务人员转办单明细簿》) of one central sub-branch for one day, as an
 * .xlsx workbook: the tier-3 handler's list of the day's transfer orders, which the agents sign
 * (the sign-receipt step) and against which replies and archiving are tracked.
 *
 * The same tickets and options always give the same bytes: workbook dates and zip entry dates come
 * from `opts.date`, never from the clock.
 */
import { DEFAULT_TIME_ZONE, isValidLocalDate, localDateOf, type LocalDate } from '../domain/local-time';
import type { TicketState } from '../domain/ticket';
import {
  TICKET_TYPE_LABELS,
  formatLocalDateTime,
  isOverdue,
  reasonText,
  replyText,
  signatureText,
  stepAt,
  type ReasonLabels,
} from './format';
import { buildRegisterWorkbook, HEADER_ROW, type RegisterColumn } from './register-sheet';

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
export const REGISTER_COLUMNS: readonly RegisterColumn[] = [
  { header: '序号', width: 6, align: 'center' },
  { header: '转办单号', width: 20 },
  { header: '保单号', width: 20 },
  { header: '转办类型', width: 11 },
  { header: '问题原因', width: 22, wrap: true },
  { header: '四级机构', width: 12 },
  { header: '业务员代码', width: 12 },
  { header: '派发时间', width: 17 },
  { header: '交业务员时间', width: 17 },
  { header: '业务员签收时间', width: 17 },
  { header: '回复时间', width: 17 },
  { header: '回复内容', width: 36, wrap: true },
  { header: '是否逾期', width: 9, align: 'center' },
  { header: '归档时间', width: 17 },
];

/** Row of the header; data start on the next row. */
export const REGISTER_HEADER_ROW = HEADER_ROW;

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
  return buildRegisterWorkbook({
    title: `${REGISTER_TITLE} ${centralSubBranch} ${date}`,
    sheetName: REGISTER_SHEET_NAME,
    heading: `《${REGISTER_TITLE}》　中心支公司：${centralSubBranch}　日期：${date}　共 ${rows.length} 件`,
    columns: REGISTER_COLUMNS,
    date,
    timeZone,
    rows: rows.map((t, i) => [
      i + 1,
      t.ticketId,
      t.policyNo,
      TICKET_TYPE_LABELS[t.type] ?? t.type,
      reasonText(t.reasons, labels),
      t.org.tier4Office,
      t.agentCode,
      formatLocalDateTime(stepAt(t, 'dispatch'), timeZone),
      formatLocalDateTime(stepAt(t, 'hand-to-agent'), timeZone),
      signatureText(t, timeZone),
      formatLocalDateTime(t.reply?.at, timeZone),
      replyText(t),
      isOverdue(t) ? '是' : '否',
      formatLocalDateTime(stepAt(t, 'archive'), timeZone),
    ]),
    decorate: (row, i) => {
      if (isOverdue(rows[i])) row.getCell(13).font = { bold: true, color: { argb: 'FFC00000' } };
    },
  });
}

function cmp<T extends number | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
