/**
 * The closed lists of the business (ticket types, transfer reasons, call outcomes, ticket stages,
 * actor roles) and its time zone, as plain constants. No zod here: workflow code imports these, and the workflow bundle
 * stays free of zod (see plain-check.ts). The modules that validate with zod re-export them.
 */

/** The business's local time (working days, calling hours, cooling-off ends, summaries). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export const CHANNELS = ['agency', 'bancassurance'] as const;
export const PRODUCT_TYPES = ['traditional', 'universal', 'investment-linked', 'participating', 'health', 'accident'] as const;

export const TICKET_TYPES = ['failed-callback', 'level-1', 'level-2'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const REASON_CODES = [
  // found when dialling (callback failed, 回访不成功)
  'no-number', // 无电话号码
  'wrong-number', // 电话号码错误
  'not-in-service', // 空号
  'suspended', // 停机
  'unreachable', // 联系不上投保人
  'wrong-customer-data', // 其他客户资料错误
  // found in the answers
  'not-signed-by-policyholder', // 非本人签名
  'agent-misconduct', // 代理人违规
  'unaware-of-policy', // 不知道办理保险
  'contract-not-received', // 未收到合同
  'coverage-unclear', // 责任不清
  'wants-surrender', // 客户要求退保
  'other', // 其他
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const CALL_OUTCOMES = [
  'completed', // 回访成功: the questionnaire was gone through
  'refused', // 拒绝回访 / refused to answer: a legitimate close
  'no-answer',
  'busy',
  'callback-later', // "call me back at …"
  'wrong-number',
  'not-in-service',
  'suspended',
  'no-number',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Outcomes that say the number on file cannot reach the policyholder: no use trying it again. */
export const UNREACHABLE_OUTCOMES: Partial<Record<CallOutcome, ReasonCode>> = {
  'wrong-number': 'wrong-number',
  'not-in-service': 'not-in-service',
  suspended: 'suspended',
  'no-number': 'no-number',
};

export const TICKET_STAGES = ['AWAITING_DISPATCH', 'DISPATCHED', 'WITH_AGENT', 'SIGNED', 'REPLIED', 'COLLECTED', 'CLOSED'] as const;
export type TicketStage = (typeof TICKET_STAGES)[number];

export const ACTOR_ROLES = ['branch', 'tier3', 'tier4', 'agent'] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];
