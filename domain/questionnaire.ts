/**
 * The callback questionnaire (回访问卷), from config/questionnaire.json: the seven items of
 * 人身保险业务基本服务规定 art. 15, each question tagged (`art15`) with the item it confirms, plus the
 * common extras (contract received, returns not guaranteed). A "no" or "unclear" answer to an item is
 * a problem, named by the item's reason code; the reason's ticket type comes from the transfer-reason
 * mapping. The schema refuses a questionnaire that leaves an item unasked of any contract it applies to.
 */
import { z } from 'zod';
import { PREMIUM_MODES, PRODUCT_TYPES, type Contract, type ProductType } from './contract';
import { REASON_CODES } from './vocabulary';

export { ANSWERS, problemsInAnswers, unansweredQuestions, type Answer } from './answers';

type PremiumMode = (typeof PREMIUM_MODES)[number];

/** Premium modes with more than one payment: item 7 (payment period and frequency) is asked of these. */
export const REGULAR_PREMIUM_MODES = PREMIUM_MODES.filter((m) => m !== 'single');

/**
 * The items of art. 15 a callback confirms, item 2 in its two halves (bought it; signed in person).
 */
export interface Art15ItemInfo {
  /** The item's number in art. 15. */
  item: number;
  label: string;
  /** The contracts the item concerns; all when absent. */
  premiumModes?: readonly PremiumMode[];
}

export const ART15_ITEMS = {
  policyholder: { item: 1, label: '接听人为投保人本人' },
  'own-purchase': { item: 2, label: '本人投保（知道并同意购买）' },
  'signed-in-person': { item: 2, label: '投保人、被保险人亲笔签名' },
  'read-product-description': { item: 3, label: '阅读产品说明书和投保提示' },
  coverage: { item: 4, label: '了解保险责任、责任免除和保险期间' },
  'surrender-loss': { item: 5, label: '了解犹豫期后退保的损失' },
  'cooling-off': { item: 6, label: '了解犹豫期的起算、长度和期间内的权利' },
  'payment-terms': { item: 7, label: '期缴产品了解缴费期间和缴费频率', premiumModes: REGULAR_PREMIUM_MODES },
} as const satisfies Record<string, Art15ItemInfo>;
export type Art15Item = keyof typeof ART15_ITEMS;
export const ART15_ITEM_KEYS = Object.keys(ART15_ITEMS) as Art15Item[];

const questionSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lower-case id'),
    text: z.string().min(1),
    reasonIfNotYes: z.enum(REASON_CODES),
    /** The art. 15 item this question confirms; absent for the extras. */
    art15: z.enum(ART15_ITEM_KEYS as [Art15Item, ...Art15Item[]]).optional(),
    /** Only asked of contracts matching these; all contracts when absent. */
    appliesTo: z
      .object({
        premiumModes: z.array(z.enum(PREMIUM_MODES)).optional(),
        productTypes: z.array(z.enum(PRODUCT_TYPES)).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Question = z.infer<typeof questionSchema>;

export const questionnaireConfigSchema = z
  .object({ questions: z.array(questionSchema).min(1) })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.questions.forEach((q, i) => {
      if (seen.has(q.id)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: `duplicate question id '${q.id}'` });
      seen.add(q.id);
    });
    for (const key of ART15_ITEM_KEYS) {
      const gap = art15Gap(cfg, key);
      if (gap) {
        const { item, label } = ART15_ITEMS[key];
        ctx.addIssue({
          code: 'custom',
          path: ['questions'],
          message: `art. 15 item ${item} '${key}' (${label}) is not asked of ${gap.productType} contracts paid ${gap.premiumMode}: tag a question with "art15": "${key}"`,
        });
      }
    }
  });
export type QuestionnaireConfig = z.infer<typeof questionnaireConfigSchema>;

/** The items asked of this contract. */
export function questionsFor(contract: Pick<Contract, 'premium' | 'productType'>, config: Pick<QuestionnaireConfig, 'questions'>): Question[] {
  return config.questions.filter(
    (q) =>
      (!q.appliesTo?.premiumModes || q.appliesTo.premiumModes.includes(contract.premium.mode)) &&
      (!q.appliesTo?.productTypes || q.appliesTo.productTypes.includes(contract.productType)),
  );
}

/** Every kind of contract the questionnaire tells apart (product type by premium mode). */
export function contractKinds(): { productType: ProductType; premiumMode: PremiumMode }[] {
  return PRODUCT_TYPES.flatMap((productType) => PREMIUM_MODES.map((premiumMode) => ({ productType, premiumMode })));
}

/** The first kind of contract that art. 15 `key` applies to and no question tagged with it is asked of; undefined when none. */
export function art15Gap(config: Pick<QuestionnaireConfig, 'questions'>, key: Art15Item): { productType: ProductType; premiumMode: PremiumMode } | undefined {
  const modes = (ART15_ITEMS[key] as Art15ItemInfo).premiumModes;
  return contractKinds().find(
    (k) =>
      (!modes || modes.includes(k.premiumMode)) &&
      !questionsFor({ productType: k.productType, premium: { mode: k.premiumMode } as Contract['premium'] }, config).some((q) => q.art15 === key),
  );
}
