/**
 * Why a callback turns into a transfer case (转办件), and which kind of case each reason makes.
 * The deck lists all reasons in one row; which reason is which level is configuration
 * (config/transfer-reasons.json), validated here.
 */
import { z } from 'zod';

export { REASON_CODES, TICKET_TYPES, type ReasonCode, type TicketType } from './vocabulary';
import { REASON_CODES, TICKET_TYPES } from './vocabulary';

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
