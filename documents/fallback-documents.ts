/**
 * The documents of a letter or on-site callback: the letter (信函回访函) or the visit task (上门回访任务单),
 * each carrying the callback questionnaire and the receipt (回执) the policyholder signs; and the
 * letter / on-site register (《信函回访记录》《上门回访记录》) of a tier-4 office for a month, built from
 * the projection so that it always lists every case of the month.
 */
import type { CallbackRecord, FallbackKind } from '../domain/callback-record';
import { localDateOf, type LocalDate } from '../domain/local-time';
import { formatLocalDateTime } from './format';
import { buildRegisterWorkbook, type RegisterColumn } from './register-sheet';
import { escapeHtml } from './transfer-order-html';

export const FALLBACK_TITLES: Record<FallbackKind, { document: string; register: string }> = {
  letter: { document: '信函回访函', register: '信函回访记录' },
  onsite: { document: '上门回访任务单', register: '上门回访记录' },
};

export interface FallbackDocumentInput {
  kind: FallbackKind;
  policyNo: string;
  /** Printed on the document only (documents go to the printer, not into workflow history). */
  policyholderName: string;
  tier4Office: string;
  questions: { id: string; text: string }[];
  coolingOffEndsAt: string;
  timeZone: string;
}

export function renderFallbackDocumentHtml(input: FallbackDocumentInput): string {
  const title = FALLBACK_TITLES[input.kind].document;
  const rows = input.questions
    .map((q, i) => `<tr><td>${i + 1}</td><td>${escapeHtml(q.text)}</td><td>□是　□否　□不清楚</td></tr>`)
    .join('\n');
  const intro =
    input.kind === 'letter'
      ? `尊敬的 ${escapeHtml(input.policyholderName)} 先生/女士：我们多次致电未能与您完成回访。请您逐项勾选以下问题，在回执上亲笔签名后寄回或交予我司工作人员。`
      : `上门回访：请四级机构 ${escapeHtml(input.tier4Office)} 工作人员携本单面见投保人 ${escapeHtml(input.policyholderName)}，逐项询问并由投保人在回执上亲笔签名。`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${title} ${escapeHtml(input.policyNo)}</title>
<style>
@page { size: A4 portrait; margin: 15mm; }
body { font-family: "SimSun", "Noto Serif CJK SC", serif; font-size: 10.5pt; }
h1 { text-align: center; font-size: 18pt; letter-spacing: 0.3em; }
table { width: 100%; border-collapse: collapse; }
td, th { border: 1px solid #000; padding: 2mm; vertical-align: top; }
.receipt { margin-top: 8mm; border-top: 1px dashed #000; padding-top: 4mm; }
</style></head>
<body>
<h1>${title}</h1>
<p>保单号：${escapeHtml(input.policyNo)}　犹豫期截止：${escapeHtml(formatLocalDateTime(input.coolingOffEndsAt, input.timeZone))}</p>
<p>${intro}</p>
<table><thead><tr><th>序号</th><th>回访问题</th><th>回答</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<div class="receipt"><h2>回执</h2>
<p>保单号：${escapeHtml(input.policyNo)}　本人已阅读并如实回答以上问题。</p>
<p>投保人签名：＿＿＿＿＿＿＿＿　日期：＿＿＿＿年＿＿月＿＿日</p></div>
</body></html>
`;
}

export const FALLBACK_REGISTER_COLUMNS: readonly RegisterColumn[] = [
  { header: '序号', width: 6, align: 'center' },
  { header: '保单号', width: 20 },
  { header: '中心支公司', width: 12 },
  { header: '业务员代码', width: 12 },
  { header: '电话回访失败原因', width: 30, wrap: true },
  { header: '发起时间', width: 17 },
  { header: '回访文书', width: 24 },
  { header: '回执编号', width: 24 },
  { header: '签收人', width: 10, align: 'center' },
  { header: '签收时间', width: 17 },
  { header: '登记时间', width: 17 },
];

/** The cases of the register: granted fallbacks of this kind, office and month (by the request date), in request order. */
export function fallbackRegisterRecords(records: readonly CallbackRecord[], tier4Office: string, month: string, kind: FallbackKind, timeZone: string): CallbackRecord[] {
  return records
    .filter((r) => r.tier4Office === tier4Office && r.fallback?.granted && r.fallback.kind === kind)
    .filter((r) => localDateOf(new Date(r.fallback!.requestedAt), timeZone).startsWith(`${month}-`))
    .sort((a, b) => a.fallback!.requestedAt.localeCompare(b.fallback!.requestedAt) || a.policyNo.localeCompare(b.policyNo));
}

export async function buildFallbackRegister(
  records: readonly CallbackRecord[],
  opts: { tier4Office: string; month: string; kind: FallbackKind; timeZone: string },
): Promise<Buffer> {
  if (!/^\d{4}-\d{2}$/.test(opts.month)) throw new RangeError(`not a YYYY-MM month: ${opts.month}`);
  const rows = fallbackRegisterRecords(records, opts.tier4Office, opts.month, opts.kind, opts.timeZone);
  const title = FALLBACK_TITLES[opts.kind].register;
  const time = (iso: string | undefined) => formatLocalDateTime(iso, opts.timeZone);
  const stamp: LocalDate = `${opts.month}-01`;
  return buildRegisterWorkbook({
    title: `${title} ${opts.tier4Office} ${opts.month}`,
    sheetName: title,
    heading: `《${title}》　四级机构：${opts.tier4Office}　月份：${opts.month}　共 ${rows.length} 件`,
    columns: FALLBACK_REGISTER_COLUMNS,
    date: stamp,
    timeZone: opts.timeZone,
    rows: rows.map((r, i) => {
      const f = r.fallback!;
      return [
        i + 1,
        r.policyNo,
        r.centralSubBranch,
        r.agentCode,
        f.trigger,
        time(f.requestedAt),
        f.documentRef ?? '',
        f.receipt?.reference ?? '（待回执）',
        f.receipt ? '投保人' : '',
        time(f.receipt?.signedAt),
        time(f.receipt?.enteredAt),
      ];
    }),
  });
}
