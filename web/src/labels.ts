/** The domain's own words, in Chinese, for the codes the API answers with. */
export const ROLE_LABELS: Record<string, string> = {
  issuance: '出单系统',
  'call-center': '分公司回访中心',
  tier3: '三级机构问题件处理岗',
  tier4: '四级机构内勤',
  agent: '业务人员',
  ops: '运维',
};

export const CALLBACK_STAGES: Record<string, string> = {
  ASSESSING: '评估中',
  NOT_REQUIRED: '无需回访',
  AWAITING_E_CALLBACK: '待投保人线上回访',
  AWAITING_CALL: '待回访',
  CALLING: '回访中',
  AWAITING_RECORDING: '待上传录音',
  COMPLETED: '回访成功',
  REFUSED: '拒绝回访',
  PROBLEM_FOUND: '发现问题，已转办',
  UNREACHABLE: '无法联系',
  AWAITING_RECEIPT: '待回执',
  AWAITING_TICKET: '待转办件处理',
  UNRESOLVED: '待分公司处理',
  CLOSED_BY_BRANCH: '分公司已结案',
  WAIVED: '免回访',
};

/** Why a case went up to the branch (domain/callback-state.ts ESCALATION_CAUSES). */
export const ESCALATION_CAUSES: Record<string, string> = {
  'fallback-refused': '无法信函或上门回访（地区不允许或超出比例上限）',
  receipt: '回执逾期未收回',
  'receipt-problems': '回执反映问题，需分公司安排核实',
  recording: '录音逾期未上传',
  'level-1': '一级转办问题未解决或逾期未回复',
  'level-2-tickets': '二级转办件逾期未归档',
};

/** A workflow run ended from outside (client/huifang-client.ts RUN_STATUSES): the callback did not finish. */
export const RUN_ENDED: Record<string, string> = {
  TERMINATED: '流程已被人工终止',
  FAILED: '流程运行失败',
  TIMED_OUT: '流程运行超时',
  CANCELLED: '流程已取消',
};

/** A callback's stage in words; a run ended from outside is said to be so, never shown as in its last stage. */
export function stageText(state: { stage: string; run?: { status: string } }): string {
  const stage = CALLBACK_STAGES[state.stage] ?? state.stage;
  const ended = state.run && RUN_ENDED[state.run.status];
  return ended ? `${ended}（终止前：${stage}）` : stage;
}

export const OUTCOMES: Record<string, string> = {
  completed: '接通，问卷已答',
  refused: '拒绝回访',
  'no-answer': '无人接听',
  busy: '占线',
  'callback-later': '约定再回访',
  'wrong-number': '号码错误',
  'not-in-service': '空号',
  suspended: '停机',
  'no-number': '无电话号码',
  'not-made': '时段结束未拨通',
};

export const ANSWER_LABELS: Record<string, string> = { yes: '是', no: '否', unclear: '不清楚' };

export const TICKET_TYPES: Record<string, string> = { 'failed-callback': '回访不成功', 'level-1': '一级转办', 'level-2': '二级转办' };

export const TICKET_STAGES: Record<string, string> = {
  AWAITING_DISPATCH: '待派发',
  DISPATCHED: '已派发至四级机构',
  WITH_AGENT: '已交业务人员',
  SIGNED: '业务人员已签收',
  REPLIED: '已回复',
  COLLECTED: '已收回',
  CLOSED: '已办结',
};

export const STEP_LABELS: Record<string, string> = {
  dispatch: '派发',
  'hand-to-agent': '交业务人员',
  'sign-receipt': '签收（明细簿签字）',
  reply: '回复',
  collect: '收回转办单',
  archive: '归档',
};

/** The step each role takes in each stage (domain/ticket-rules.ts TICKET_FLOWS and STEP_RULES). */
const NEXT_STEP: Record<string, { step: string; role: string }> = {
  AWAITING_DISPATCH: { step: 'dispatch', role: 'tier3' },
  DISPATCHED: { step: 'hand-to-agent', role: 'tier4' },
  WITH_AGENT: { step: 'sign-receipt', role: 'agent' },
  SIGNED: { step: 'reply', role: 'agent' },
  REPLIED: { step: 'collect', role: 'tier4' },
  COLLECTED: { step: 'archive', role: 'tier3' },
};

/** The step a ticket waits for: a failed callback has no register signature, its agent replies straight away. */
export function nextStepOf(ticket: { type: string; stage: string }): { step: string; role: string } | undefined {
  if (ticket.type === 'failed-callback' && ticket.stage === 'WITH_AGENT') return { step: 'reply', role: 'agent' };
  return NEXT_STEP[ticket.stage];
}

const fmt = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
export const when = (iso?: string) => (iso ? fmt.format(new Date(iso)) : '—');

const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' });
const clock = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
/**
 * A deadline: one at midnight (the end of a working day, as ticket replies fall due) shows as 24:00
 * of the day it closes, not 00:00 of the next, which reads as a day later than it is.
 */
export const dueBy = (iso?: string) => {
  if (!iso) return '—';
  const at = new Date(iso);
  if (clock.format(at) !== '00:00') return fmt.format(at);
  return `${day.format(new Date(at.getTime() - 1)).replaceAll('-', '/')} 24:00`;
};
/** The last day of a period given by the instant it ends at (the midnight after that day). */
export const lastDay = (endIso?: string) => (endIso ? day.format(new Date(Date.parse(endIso) - 1)) : '—');
