/**
 * E-callback (电子化回访, the 2020 notice on electronic callbacks): the policyholder completes the
 * callback on a page of the insurer's own, inside the cooling-off period, identity verified, by a
 * single-use link sent by SMS. This module decides whether a callback starts that way, how long the
 * e-callback stage may last, and checks the policyholder's identity; every number is configuration
 * (config/e-callback.json).
 */
import type { ECallbackConfig } from './e-callback-config';

export type { ECallbackConfig } from './e-callback-config';

export type CallbackMethod = 'e-callback' | 'phone';
export const CALLBACK_METHODS = ['e-callback', 'phone'] as const;

export interface MethodDecision {
  method: CallbackMethod;
  reason: string;
  /** A do-not-call request: no call is placed; what e-callback cannot do goes by letter or on-site. */
  noPhone?: true;
}

/** How a required callback starts, and why (stored with the decision, like the callback rule's). */
export function firstMethod(
  contract: { channel: string; productType: string; regionCode: string; callbackMethod?: CallbackMethod; doNotCall?: boolean },
  config: ECallbackConfig,
): MethodDecision {
  const forbidden = config.forbiddenRegionPrefixes.find((p) => contract.regionCode.startsWith(p));
  if (contract.doNotCall) {
    return forbidden
      ? { method: 'phone', reason: `do-not-call request, and e-callback forbidden in region ${forbidden}*: letter or on-site`, noPhone: true }
      : { method: 'e-callback', reason: 'do-not-call request: e-callback, else letter or on-site', noPhone: true };
  }
  if (forbidden) return { method: 'phone', reason: `e-callback forbidden in region ${forbidden}*` };
  if (contract.callbackMethod) return { method: contract.callbackMethod, reason: "the policyholder's choice" };
  const { channels, productTypes } = config.firstAttempt;
  if (channels.some((c) => c === contract.channel) && productTypes.some((t) => t === contract.productType)) {
    return { method: 'e-callback', reason: `e-callback first for ${contract.channel} ${contract.productType}` };
  }
  return { method: 'phone', reason: 'phone by default' };
}

const HOUR = 3_600_000;

/** When the e-callback stage ends if not completed: its own deadline, or sooner to leave the phone its time. */
export type ECallbackTiming = Pick<ECallbackConfig, 'stageHours' | 'minHoursLeftForPhone' | 'resendAfterHours' | 'linkValidHours'>;

export function eCallbackDeadline(firstSentAt: string, coolingOffEndsAt: string, config: ECallbackTiming): string {
  const own = Date.parse(firstSentAt) + config.stageHours * HOUR;
  const leaveForPhone = Date.parse(coolingOffEndsAt) - config.minHoursLeftForPhone * HOUR;
  return new Date(Math.max(Date.parse(firstSentAt), Math.min(own, leaveForPhone))).toISOString();
}

/** When the links after the first are sent, before the deadline. */
export function resendTimes(firstSentAt: string, deadline: string, config: ECallbackTiming): string[] {
  return config.resendAfterHours.map((h) => Date.parse(firstSentAt) + h * HOUR).filter((t) => t < Date.parse(deadline)).map((t) => new Date(t).toISOString());
}

const normalName = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');
const normalId = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toUpperCase();

/** Whether the name and ID number given on the page are the policyholder's on the contract. */
export function identityMatches(given: { name: string; idNumber: string }, onFile: { name?: string; idNumber?: string }): boolean {
  if (!onFile.name || !onFile.idNumber) return false;
  return normalName(given.name) === normalName(onFile.name) && normalId(given.idNumber) === normalId(onFile.idNumber);
}

/** A phone number as the page may show it to the person holding the link: 139****5678. */
export function maskedPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/**
 * What the page shows before the questions: the product's key terms and the policyholder's rights, as
 * the phone script reads them (the deck's 回访话术), from the contract itself.
 */
export function keyDisclosures(
  contract: { productCode: string; productType: string; termMonths: number; premium: { amount: number; currency: string; mode: string } },
  coolingOffLastDay?: string,
): string[] {
  const mode: Record<string, string> = { annual: '年交', monthly: '月交', single: '趸交', quarterly: '季交', semiannual: '半年交' };
  const years = contract.termMonths % 12 === 0 ? `${contract.termMonths / 12} 年` : `${contract.termMonths} 个月`;
  return [
    `您投保的产品：${contract.productCode}，保险期间 ${years}，保险费 ${contract.premium.amount} ${contract.premium.currency === 'CNY' ? '元' : contract.premium.currency}（${mode[contract.premium.mode] ?? contract.premium.mode}）。`,
    coolingOffLastDay
      ? `犹豫期至 ${coolingOffLastDay}：在此之前解除合同，退还已交保险费（按合同约定）。`
      : '签收合同次日起有犹豫期：犹豫期内解除合同，退还已交保险费（按合同约定）。',
    '犹豫期后解除合同，只退还保单的现金价值，可能会有损失。',
    ...(contract.productType === 'participating' || contract.productType === 'universal' || contract.productType === 'investment-linked'
      ? ['分红、万能、投连产品的利益不保证，演示数据仅供参考。']
      : []),
    '请按时交纳保险费；如有疑问，可拨打客服电话，或在本页选择“改为电话回访”。',
  ];
}
