/**
 * Why a callback turns into a transfer case (转办件), and which kind of case each reason makes.
 * The deck lists all reasons in one row; which reason is which level is configuration
 * (config/transfer-reasons.json), validated here.
 *
 * A reason is found one of three ways: dialling (DIALLING_REASONS: the number fails, or the round is
 * used up; the call round opens a failed-callback ticket for it), an answer (a question's
 * `reasonIfNotYes`, config/questionnaire.json), or the caller's report of what the customer raised
 * beyond the questionnaire (`reportedByCaller`: a call outcome's or a receipt's `reportedProblems`).
 */
import { z } from 'zod';

export { REASON_CODES, TICKET_TYPES, type ReasonCode, type TicketType } from './vocabulary';
import { REASON_CODES, TICKET_TYPES, UNREACHABLE_OUTCOMES, type ReasonCode, type TicketType } from './vocabulary';

/** Reasons the dialling itself finds: an unreachable outcome's, and 'unreachable' for a round used up (workflows/callback/call-rounds.ts). */
export const DIALLING_REASONS: readonly ReasonCode[] = [...new Set([...Object.values(UNREACHABLE_OUTCOMES), 'unreachable' as const])];

export const transferReasonsConfigSchema = z
  .object({
    reasons: z.record(
      z.enum(REASON_CODES),
      z
        .object({
          ticketType: z.enum(TICKET_TYPES),
          label: z.string().min(1),
          /** The caller reports it beyond the questionnaire (reportedProblems). */
          reportedByCaller: z.boolean().optional(),
        })
        .strict(),
    ),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const code of REASON_CODES) {
      const reason = cfg.reasons[code];
      if (!reason) {
        ctx.addIssue({ code: 'custom', path: ['reasons', code], message: 'every reason code needs a ticket type' });
        continue;
      }
      if (!DIALLING_REASONS.includes(code)) continue;
      if (reason.ticketType !== 'failed-callback') {
        ctx.addIssue({ code: 'custom', path: ['reasons', code, 'ticketType'], message: "a reason found when dialling makes a 'failed-callback' ticket (the call round opens one for it)" });
      }
      if (reason.reportedByCaller) {
        ctx.addIssue({ code: 'custom', path: ['reasons', code, 'reportedByCaller'], message: 'a reason found when dialling is a call outcome, not a problem reported on a completed call' });
      }
    }
  });
export type TransferReasonsConfig = z.infer<typeof transferReasonsConfigSchema>;

/** The ticket type of each reason, as the assessment hands it to the workflow. */
export function ticketTypesOf(config: TransferReasonsConfig): Record<ReasonCode, TicketType> {
  return Object.fromEntries(Object.entries(config.reasons).map(([code, r]) => [code, r.ticketType])) as Record<ReasonCode, TicketType>;
}

/** The reasons the caller may report beyond the questionnaire, in vocabulary order. */
export function callerReportedReasons(config: TransferReasonsConfig): ReasonCode[] {
  return REASON_CODES.filter((code) => config.reasons[code]?.reportedByCaller);
}
