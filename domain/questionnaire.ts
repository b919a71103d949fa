/**
 * The callback questionnaire (回访问卷): the seven items of 人身保险业务基本服务规定 art. 14-15 plus the
 * common extras, from config/questionnaire.json. A "no" or "unclear" answer to an item is a problem,
 * named by the item's reason code; the reason's ticket type comes from the transfer-reason mapping.
 */
import { z } from 'zod';
import { PREMIUM_MODES, PRODUCT_TYPES, type Contract } from './contract';
import { REASON_CODES } from './vocabulary';

export { ANSWERS, problemsInAnswers, unansweredQuestions, type Answer } from './answers';

const questionSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lower-case id'),
  text: z.string().min(1),
  reasonIfNotYes: z.enum(REASON_CODES),
  /** Only asked of contracts matching these; all contracts when absent. */
  appliesTo: z
    .object({
      premiumModes: z.array(z.enum(PREMIUM_MODES)).optional(),
      productTypes: z.array(z.enum(PRODUCT_TYPES)).optional(),
    })
    .optional(),
});
export type Question = z.infer<typeof questionSchema>;

export const questionnaireConfigSchema = z
  .object({ questions: z.array(questionSchema).min(1) })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.questions.forEach((q, i) => {
      if (seen.has(q.id)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: `duplicate question id '${q.id}'` });
      seen.add(q.id);
    });
  });
export type QuestionnaireConfig = z.infer<typeof questionnaireConfigSchema>;

/** The items asked of this contract. */
export function questionsFor(contract: Pick<Contract, 'premium' | 'productType'>, config: QuestionnaireConfig): Question[] {
  return config.questions.filter(
    (q) =>
      (!q.appliesTo?.premiumModes || q.appliesTo.premiumModes.includes(contract.premium.mode)) &&
      (!q.appliesTo?.productTypes || q.appliesTo.productTypes.includes(contract.productType)),
  );
}
