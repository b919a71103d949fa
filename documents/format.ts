/**
 * What the printed documents (the transfer register, the transfer order) say about a ticket, in
 * Chinese, the same way in both: type and step names, reason labels, local times, overdue flag, and
 * the reply's content with personal data kept out.
 */
import { TZDate } from '@date-fns/tz';
import { DEFAULT_TIME_ZONE } from '../domain/local-time';
import type { RecordedStep, TicketStage, TicketState, TicketStepName } from '../domain/ticket';
import { REASON_CODES, type ReasonCode, type TicketType, type TransferReasonsConfig } from '../domain/transfer-reasons';

/** Chinese label of each reason code (config/transfer-reasons.json). */
export type ReasonLabels = Record<ReasonCode, string>;

/** The Chinese label of every reason code, from the transfer-reasons configuration. */
export function reasonLabelsOf(config: TransferReasonsConfig): ReasonLabels {
  return Object.fromEntries(REASON_CODES.map((code) => [code, config.reasons[code]?.label ?? code])) as ReasonLabels;
}

export const TICKET_TYPE_LABELS: Record<TicketType, string> = {
  'failed-callback': '回访不成功',
  'level-1': '一级转办',
  'level-2': '二级转办',
};

export const STEP_LABELS: Record<TicketStepName, string> = {
  dispatch: '派发',
  'hand-to-agent': '交业务员',
  'sign-receipt': '业务员签收',
  reply: '业务员回复',
  collect: '四级机构收回',
  archive: '归档',
};

export const STAGE_LABELS: Record<TicketStage, string> = {
  AWAITING_DISPATCH: '待派发',
  DISPATCHED: '已派发',
  WITH_AGENT: '已交业务员',
  SIGNED: '业务员已签收',
  REPLIED: '已回复',
  COLLECTED: '四级机构已收回',
  CLOSED: '已结案',
};

export const ROLE_LABELS: Record<RecordedStep['actor']['role'], string> = {
  branch: '分公司',
  tier3: '三级机构',
  tier4: '四级机构',
  agent: '业务员',
};

/** What a failed-callback reply shows instead of the number itself (personal data). */
export const CORRECTED_PHONE_TEXT = '更正电话已提供';

/** What the agent's signature time shows on a failed-callback ticket, whose flow has no register signature. */
export const NO_SIGNATURE_TEXT = '无需签收';

/** The agent's signature time on the register, or that the ticket's flow has none. */
export function signatureText(ticket: Pick<TicketState, 'steps' | 'type'>, timeZone = DEFAULT_TIME_ZONE): string {
  return ticket.type === 'failed-callback' ? NO_SIGNATURE_TEXT : formatLocalDateTime(stepAt(ticket, 'sign-receipt'), timeZone);
}

/** An instant written `YYYY-MM-DD HH:mm` on the local wall clock; '' for none. */
export function formatLocalDateTime(iso: string | undefined, timeZone = DEFAULT_TIME_ZONE): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const z = new TZDate(ms, timeZone);
  return `${z.getFullYear()}-${pad(z.getMonth() + 1)}-${pad(z.getDate())} ${pad(z.getHours())}:${pad(z.getMinutes())}`;
}

/** The reasons in Chinese, joined with 、 (unknown codes appear as they are). */
export function reasonText(reasons: readonly ReasonCode[], labels: ReasonLabels): string {
  return reasons.map((r) => labels[r] ?? r).join('、');
}

/** A call attempt's outcome, as a finding says it. */
const OUTCOME_LABELS: Record<string, string> = {
  completed: '接通，问卷已答',
  refused: '拒绝回访',
  'no-answer': '无人接听',
  busy: '占线',
  'callback-later': '约定再回访',
  'wrong-number': '号码错误',
  'not-in-service': '空号',
  suspended: '停机',
  'not-made': '未拨出',
};

/**
 * What the callback found, in words: the attempt, its time on the local clock and its outcome, then
 * the reasons (第 1 次回访（2026-12-02 19:23，接通，问卷已答）发现：非本人签名). The workflow keeps the
 * finding in its own terms (`attempt N (instant): outcome`); the pages and the order say it this way.
 */
export function findingText(ticket: Pick<TicketState, 'finding' | 'reasons'>, labels: ReasonLabels, timeZone = DEFAULT_TIME_ZONE): string {
  const reasons = reasonText(ticket.reasons, labels);
  const attempt = /^attempt (\d+) \(([^)]+)\): ([\w-]+)$/.exec(ticket.finding ?? '');
  if (attempt) return `第 ${attempt[1]} 次回访（${formatLocalDateTime(attempt[2], timeZone)}，${OUTCOME_LABELS[attempt[3]] ?? attempt[3]}）发现：${reasons}`;
  const online = /^e-callback \(([^)]+)\): completed$/.exec(ticket.finding ?? '');
  if (online) return `电子化回访（${formatLocalDateTime(online[1], timeZone)}，投保人在线作答）发现：${reasons}`;
  if (ticket.finding === 'no phone number on file') return `投保资料中没有电话号码：${reasons}`;
  return ticket.finding ? `${redactPhones(ticket.finding)}；${reasons}` : reasons;
}

/** When `step` was recorded (the first time, should it ever appear twice). */
export function stepAt(ticket: Pick<TicketState, 'steps'>, step: TicketStepName): string | undefined {
  return ticket.steps.find((s) => s.step === step)?.at;
}

/** Overdue: the due time passed without a reply, or the reply came after it. */
export function isOverdue(ticket: Pick<TicketState, 'overdue' | 'reply'>): boolean {
  return ticket.overdue || ticket.reply?.late === true;
}

/**
 * The reply's content as printed: what the agent did, or that a corrected number was given; never
 * the number itself.
 */
export function replyText(ticket: Pick<TicketState, 'reply'>): string {
  const reply = ticket.reply;
  if (!reply) return '';
  const parts: string[] = [];
  if (reply.correctedPhone) parts.push(CORRECTED_PHONE_TEXT);
  if (reply.actionTaken) parts.push(redactPhones(reply.actionTaken));
  return parts.join('；');
}

// A mainland mobile (11 digits from 13x-19x) or a landline with area code, not inside a longer run
// of digits (policy numbers, dates).
const MOBILE_RE = /(?<!\d)(1[3-9]\d)(?:[ -]?\d){4}((?:[ -]?\d){4})(?!\d)/g;
const LANDLINE_RE = /(?<!\d)(0\d{2,3})-?\d{5,6}(\d{2})(?!\d)/g;

/**
 * Free text (notes, what the agent did) with any phone number in it masked (138****5678, 021-****78):
 * staff write numbers into notes, and the documents leave the system.
 */
export function redactPhones(text: string): string {
  return text
    .replace(MOBILE_RE, (_m, head: string, tail: string) => `${head}****${tail.replace(/[ -]/g, '')}`)
    .replace(LANDLINE_RE, (_m, area: string, tail: string) => `${area}-****${tail}`);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
