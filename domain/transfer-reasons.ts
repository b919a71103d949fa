/**
 * Why a callback turns into a transfer case (转办件), and which kind of case each reason makes.
 * The deck lists all reasons in one row; which reason is which level is configuration
 * (config/transfer-reasons.json), validated here.
 */
import { z } from 'zod';

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

export const transferReasonsConfigSchema = z
  .object({
    reasons: z.record(z.enum(REASON_CODES), z.object({ ticketType: z.enum(TICKET_TYPES), label: z.string().min(1) })),
  })
  .superRefine((cfg, ctx) => {
    for (const code of REASON_CODES) {
      if (!cfg.reasons[code]) ctx.addIssue({ code: 'custom', path: ['reasons', code], message: 'every reason code needs a ticket type' });
    }
  });
export type TransferReasonsConfig = z.infer<typeof transferReasonsConfigSchema>;
