/**
 * The paper transfer order (转办单) the tier-3 handler prints and sends via the tier-4 office to the
 * agent: one A4 page of self-contained HTML (no scripts, fonts or images from elsewhere), with the
 * order's fields, the routing so far, a box for what the agent did and the signature lines.
 * Every value is HTML-escaped; phone numbers are never printed.
 */
import { DEFAULT_TIME_ZONE } from '../domain/local-time';
import type { TicketState } from '../domain/ticket';
import {
  ROLE_LABELS,
  STAGE_LABELS,
  STEP_LABELS,
  TICKET_TYPE_LABELS,
  formatLocalDateTime,
  isOverdue,
  findingText,
  reasonText,
  redactPhones,
  replyText,
  signatureText,
  stepAt,
  type ReasonLabels,
} from './format';

export interface TransferOrderOptions {
  labels: ReasonLabels;
  /** The policyholder's name, already masked by the caller (e.g. 张*). Left out when absent. */
  policyholderMasked?: string;
  /** Defaults to Asia/Shanghai. */
  timeZone?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Free text as printed: phone numbers masked, then escaped, line breaks kept. */
function text(value: string | undefined): string {
  return escapeHtml(redactPhones(value ?? '')).replace(/\r?\n/g, '<br>');
}

const STYLE = `
@page { size: A4 portrait; margin: 15mm 15mm 15mm 15mm; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: 10.5pt; color: #000; background: #fff; }
.page { width: 180mm; margin: 0 auto; }
h1 { font-size: 18pt; text-align: center; letter-spacing: 0.3em; margin: 0 0 2mm 0; }
.sub { text-align: center; margin: 0 0 4mm 0; font-size: 11pt; }
.meta { display: flex; justify-content: space-between; margin-bottom: 2mm; font-size: 9.5pt; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 1px solid #000; padding: 1.6mm 2mm; vertical-align: top; word-break: break-all; }
th { background: #eee; font-weight: bold; text-align: center; width: 24mm; }
table.steps th { width: auto; }
h2 { font-size: 11pt; margin: 4mm 0 1.5mm 0; }
.box { border: 1px solid #000; min-height: 48mm; padding: 2mm; }
.box .line { border-bottom: 1px solid #888; height: 8mm; }
.box .written { min-height: 10mm; margin-bottom: 2mm; }
.signatures { width: 100%; margin-top: 6mm; border-collapse: collapse; }
.signatures td { border: none; padding: 3mm 0; }
.signatures .blank { display: inline-block; border-bottom: 1px solid #000; width: 38mm; height: 5mm; vertical-align: bottom; }
.signatures .date { display: inline-block; border-bottom: 1px solid #000; width: 30mm; height: 5mm; vertical-align: bottom; }
.late { font-weight: bold; }
.footer { margin-top: 4mm; font-size: 8.5pt; color: #333; }
@media print { .page { width: auto; } th { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
`;

export function renderTransferOrderHtml(ticket: TicketState, opts: TransferOrderOptions): string {
  const tz = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const time = (iso: string | undefined) => escapeHtml(formatLocalDateTime(iso, tz));
  const typeLabel = TICKET_TYPE_LABELS[ticket.type] ?? ticket.type;
  const overdue = isOverdue(ticket);

  const field = (label: string, value: string, colspan = 1) => `<th>${label}</th><td${colspan > 1 ? ` colspan="${colspan}"` : ''}>${value}</td>`;

  const fields = [
    `<tr>${field('转办单号', escapeHtml(ticket.ticketId))}${field('保单号', escapeHtml(ticket.policyNo))}</tr>`,
    `<tr>${field('转办类型', escapeHtml(typeLabel))}${field('当前状态', escapeHtml(STAGE_LABELS[ticket.stage] ?? ticket.stage))}</tr>`,
    opts.policyholderMasked !== undefined
      ? `<tr>${field('投保人', text(opts.policyholderMasked))}${field('业务员代码', escapeHtml(ticket.agentCode))}</tr>`
      : `<tr>${field('业务员代码', escapeHtml(ticket.agentCode), 3)}</tr>`,
    `<tr>${field('问题原因', escapeHtml(reasonText(ticket.reasons, opts.labels)), 3)}</tr>`,
    `<tr>${field('回访发现', escapeHtml(findingText(ticket, opts.labels, tz)), 3)}</tr>`,
    `<tr>${field('分公司', escapeHtml(ticket.org.branch))}${field('中心支公司', escapeHtml(ticket.org.centralSubBranch))}</tr>`,
    `<tr>${field('四级机构', escapeHtml(ticket.org.tier4Office), 3)}</tr>`,
    `<tr>${field('派发时间', time(stepAt(ticket, 'dispatch')))}${field('交业务员时间', time(stepAt(ticket, 'hand-to-agent')))}</tr>`,
    `<tr>${field('业务员签收时间', escapeHtml(signatureText(ticket, tz)))}${field('回复时间', time(ticket.reply?.at))}</tr>`,
    `<tr>${field('回复期限', time(ticket.dueAt))}${field('是否逾期', overdue ? '<span class="late">是</span>' : '否')}</tr>`,
  ];

  const steps = ticket.steps.length
    ? ticket.steps
        .map(
          (s) =>
            `<tr><td>${escapeHtml(STEP_LABELS[s.step] ?? s.step)}</td><td>${escapeHtml(ROLE_LABELS[s.actor.role] ?? s.actor.role)} ${escapeHtml(s.actor.id)}${
              s.actor.office ? `（${escapeHtml(s.actor.office)}）` : ''
            }</td><td>${time(s.at)}${s.late ? ' <span class="late">逾期</span>' : ''}</td><td>${text(s.note)}</td></tr>`,
        )
        .join('\n')
    : '<tr><td colspan="4">（尚未派发）</td></tr>';

  const reply = replyText(ticket);
  const handling = reply
    ? `<div class="written">${escapeHtml(reply).replace(/\r?\n/g, '<br>')}</div>${blankLines(2)}`
    : blankLines(6);

  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>转办单 ${escapeHtml(ticket.ticketId)}</title>
<style>${STYLE}</style>
</head>
<body>
<div class="page">
<h1>新契约回访转办单</h1>
<p class="sub">${escapeHtml(typeLabel)}</p>
<div class="meta"><span>转办单号：${escapeHtml(ticket.ticketId)}</span><span>生成时间：${time(ticket.createdAt)}</span></div>
<table class="fields">
<colgroup><col style="width:24mm"><col><col style="width:24mm"><col></colgroup>
${fields.join('\n')}
</table>
<h2>流转记录</h2>
<table class="steps">
<colgroup><col style="width:26mm"><col style="width:48mm"><col style="width:38mm"><col></colgroup>
<tr><th>环节</th><th>经办</th><th>时间</th><th>备注</th></tr>
${steps}
</table>
<h2>处理情况（业务员填写：联系客户及处理经过）</h2>
<div class="box">
${handling}
</div>
<table class="signatures">
<tr><td>业务员签名：<span class="blank"></span></td><td>日期：<span class="date"></span></td></tr>
<tr><td>四级机构经办人：<span class="blank"></span></td><td>日期：<span class="date"></span></td></tr>
<tr><td>三级机构问题件处理人员：<span class="blank"></span></td><td>日期：<span class="date"></span></td></tr>
</table>
<p class="footer">${ticket.dueAt ? `请于 ${time(ticket.dueAt)} 前回复。` : ''}${escapeHtml(ticket.type === 'failed-callback' ? '请核实并提供客户正确联系电话（号码请在系统中录入，勿写在本单上）。' : ticket.type === 'level-2' ? '处理完毕后请签名并交回四级机构，由三级机构归档。' : '回复后分公司电话中心将再次回访客户确认。')}</p>
</div>
</body>
</html>
`;
}

function blankLines(n: number): string {
  return Array.from({ length: n }, () => '<div class="line"></div>').join('\n');
}
