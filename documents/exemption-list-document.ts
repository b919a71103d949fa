/**
 * The exemption list (免回访清单) of one central sub-branch and day: the .xlsx attached to the 08:30
 * mail, and the mail's text. Policy numbers, org codes and staff ids only: the policyholder's name is
 * on the signed statement attached, never in the list or the mail.
 */
import type { CallbackRecord } from '../domain/callback-record';
import type { LocalDate } from '../domain/local-time';
import { formatLocalDateTime } from './format';
import { buildRegisterWorkbook, type RegisterColumn } from './register-sheet';

export const EXEMPTION_LIST_TITLE = '免回访清单';

export const EXEMPTION_LIST_COLUMNS: readonly RegisterColumn[] = [
  { header: '序号', width: 6, align: 'center' },
  { header: '保单号', width: 20 },
  { header: '四级机构', width: 12 },
  { header: '业务员代码', width: 12 },
  { header: '报告人', width: 16 },
  { header: '报告时间', width: 17 },
  { header: '审核人', width: 12 },
  { header: '审核通过时间', width: 17 },
  { header: '回访放弃声明（附件）', width: 36 },
];

export interface ExemptionListInput {
  centralSubBranch: string;
  branch: string;
  date: LocalDate;
  /** The decision dates covered, both inclusive. */
  from: LocalDate;
  to: LocalDate;
  /** Accepted waivers, in order of acceptance, each with the name its statement is attached under. */
  rows: { record: CallbackRecord; attachment?: string }[];
  timeZone: string;
  /** When the mail goes after the deadline: the deadline, for the text. */
  lateAfter?: string;
}

export function exemptionListFileName(centralSubBranch: string, date: LocalDate): string {
  return `${EXEMPTION_LIST_TITLE}-${centralSubBranch}-${date}.xlsx`;
}

export function exemptionListXlsx(input: ExemptionListInput): Promise<Buffer> {
  const time = (iso: string | undefined) => formatLocalDateTime(iso, input.timeZone);
  return buildRegisterWorkbook({
    title: `${EXEMPTION_LIST_TITLE} ${input.centralSubBranch} ${input.date}`,
    sheetName: EXEMPTION_LIST_TITLE,
    heading: `《${EXEMPTION_LIST_TITLE}》　中心支公司：${input.centralSubBranch}　日期：${input.date}　审核通过：${input.from} 至 ${input.to}　共 ${input.rows.length} 件`,
    columns: EXEMPTION_LIST_COLUMNS,
    date: input.date,
    timeZone: input.timeZone,
    rows: input.rows.map(({ record, attachment }, i) => {
      const w = record.waiver!;
      return [
        i + 1,
        record.policyNo,
        record.tier4Office,
        record.agentCode,
        `${w.reportedBy.role} ${w.reportedBy.id}`,
        time(w.reportedAt),
        w.decision!.by.id,
        time(w.decision!.at),
        attachment ?? '（扫描件缺失，请向中支索取）',
      ];
    }),
  });
}

export function exemptionListSubject(input: Pick<ExemptionListInput, 'centralSubBranch' | 'date' | 'rows'>): string {
  return `${EXEMPTION_LIST_TITLE} ${input.date} ${input.centralSubBranch}（${input.rows.length} 件）`;
}

export function exemptionListText(input: ExemptionListInput): string {
  const missing = input.rows.filter((r) => !r.attachment).map((r) => r.record.policyNo);
  return [
    `${input.branch} 分公司电话中心：`,
    '',
    `以下 ${input.rows.length} 件保单的投保人已亲笔签署回访放弃声明，经中心支公司 ${input.centralSubBranch} 问题件处理人员审核通过（${input.from} 至 ${input.to}），请免予回访。`,
    '',
    ...input.rows.map(({ record }, i) => `${i + 1}. ${record.policyNo}　四级机构 ${record.tier4Office}　业务员 ${record.agentCode}`),
    '',
    `附件：${exemptionListFileName(input.centralSubBranch, input.date)} 及回访放弃声明扫描件 ${input.rows.length - missing.length} 份。`,
    ...(missing.length ? [`扫描件缺失（请向中支索取）：${missing.join('、')}`] : []),
    ...(input.lateAfter ? [`本清单迟于 ${input.lateAfter} 发出。`] : []),
    '',
    '-- 回访系统 huifang（自动发送）',
  ].join('\n');
}
