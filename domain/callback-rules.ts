/**
 * Who must be called (DOMAIN.md "Who must be called", rules R1-R4): the configured rules, their schema
 * (config/callback-rules.json) and the decision for one contract, with a reason an auditor can check.
 *
 * Rules are tried in config order and the first match wins, so a broad rule ("other bancassurance")
 * goes after the narrower ones it should not swallow. A regional regulator may demand more (R4): every
 * regional override whose prefix starts the contract's region code and that names the matched rule is
 * considered, and the highest ratio of rule and overrides applies. Overrides never lower a ratio.
 */
import { z } from 'zod';
import { CHANNELS, PRODUCT_TYPES, type Contract } from './contract';
import { drawText, isDrawn, selectedAfter, type SamplingDraw } from './sampling';

const ratioSchema = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

const ruleSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, dashes or underscores'),
    /** Short English text; it is quoted in every decision's reason. */
    description: z.string().trim().min(1),
    /** Longer explanation or legal basis, for people reading the config. */
    note: z.string().optional(),
    /** Every given condition must hold; an empty match takes every contract. */
    match: z
      .object({
        channel: z.enum(CHANNELS).optional(),
        productTypes: z.array(z.enum(PRODUCT_TYPES)).min(1, 'must list at least one product type').optional(),
        minTermMonthsExclusive: z.number().int().nonnegative().optional(),
        maxTermMonths: z.number().int().positive().optional(),
      })
      .strict()
      .superRefine((m, ctx) => {
        if (m.minTermMonthsExclusive !== undefined && m.maxTermMonths !== undefined && m.maxTermMonths <= m.minTermMonthsExclusive) {
          ctx.addIssue({ code: 'custom', path: ['maxTermMonths'], message: 'must be greater than minTermMonthsExclusive, or the rule never matches' });
        }
      }),
    ratio: ratioSchema,
  })
  .strict();

const regionalOverrideSchema = z
  .object({
    /** Leading digits of the 6-digit administrative division code: "31" Shanghai, "4403" Shenzhen. */
    regionPrefix: z.string().regex(/^\d{2,6}$/, 'must be 2-6 digits of an administrative division code'),
    ruleIds: z.array(z.string()).min(1, 'must name at least one rule'),
    ratio: ratioSchema,
    /** The regulator whose requirement this is, quoted in the decision. */
    authority: z.string().trim().min(1),
    note: z.string().optional(),
  })
  .strict();

export const callbackRulesConfigSchema = z
  .object({
    /** No longer used: the sample is a systematic draw (sampling.ts). Accepted so older files still load. */
    samplingSalt: z.string().min(1).optional(),
    rules: z.array(ruleSchema).min(1, 'must list at least one rule'),
    regionalOverrides: z.array(regionalOverrideSchema),
  })
  .strict()
  .superRefine((config, ctx) => {
    const firstIndex = new Map<string, number>();
    config.rules.forEach((rule, i) => {
      const earlier = firstIndex.get(rule.id);
      if (earlier !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${rule.id}" (also rules[${earlier}])` });
      } else {
        firstIndex.set(rule.id, i);
      }
    });
    const known = [...firstIndex.keys()].join(', ');
    config.regionalOverrides.forEach((override, i) => {
      override.ruleIds.forEach((id, j) => {
        if (!firstIndex.has(id)) {
          ctx.addIssue({ code: 'custom', path: ['regionalOverrides', i, 'ruleIds', j], message: `names unknown rule "${id}" (known: ${known})` });
        }
      });
    });
  });

export type CallbackRulesConfig = z.infer<typeof callbackRulesConfigSchema>;
export type CallbackRule = CallbackRulesConfig['rules'][number];
export type RegionalOverride = CallbackRulesConfig['regionalOverrides'][number];

export type CallbackContract = Pick<Contract, 'policyNo' | 'channel' | 'productType' | 'termMonths' | 'regionCode'>;

/**
 * Kept with the policy as the reason it needed (or did not need) a callback.
 * `ratio` is the effective ratio (0 when no rule applies). `draw` is the policy's place in its
 * scope's systematic draw (sampling.ts), present when the ratio is strictly between 0 and 1; at
 * ratio 1 every policy is taken and nothing is drawn. `sampleValue` is the draw's selected share
 * after this policy (selected / position, never below the ratio), null when nothing was drawn.
 */
export interface CallbackDecision {
  required: boolean;
  ruleId: string | null;
  ratio: number;
  sampleValue: number | null;
  draw?: SamplingDraw | null;
  /** The override that raised the ratio, or null if none raised it. */
  regionalOverride: { regionPrefix: string; authority: string; ratio: number } | null;
  reason: string;
}

interface RuleMatch {
  rule: CallbackRule;
  ratio: number;
  /** The override that raised the ratio. */
  raising: RegionalOverride | null;
  /** Every override naming the rule for the contract's region. */
  overrides: RegionalOverride[];
}

/** The rule (first match in config order) and its effective ratio, or why none applies. */
function matchRule(contract: CallbackContract, config: CallbackRulesConfig): RuleMatch | { misses: string[] } {
  const misses: string[] = [];
  const rule = config.rules.find((r) => {
    const miss = mismatch(r, contract);
    if (miss) misses.push(`${r.id}: ${miss}`);
    return miss === null;
  });
  if (!rule) return { misses };
  const overrides = config.regionalOverrides.filter((o) => contract.regionCode.startsWith(o.regionPrefix) && o.ruleIds.includes(rule.id));
  // Highest ratio wins; among equal ratios the first in config order is the one reported.
  const raising = overrides.reduce<RegionalOverride | null>((best, o) => (o.ratio > (best?.ratio ?? rule.ratio) ? o : best), null);
  return { rule, ratio: raising?.ratio ?? rule.ratio, raising, overrides };
}

/**
 * What the assessment must draw before deciding: the rule and ratio of a sampled contract, or null
 * when no rule applies or the ratio takes every policy (1) or none (0).
 */
export function drawNeeded(contract: CallbackContract, config: CallbackRulesConfig): { ruleId: string; ratio: number; ruleRatio: number } | null {
  const match = matchRule(contract, config);
  if (!('rule' in match) || match.ratio <= 0 || match.ratio >= 1) return null;
  return { ruleId: match.rule.id, ratio: match.ratio, ruleRatio: match.rule.ratio };
}

/**
 * Pure: the same contract, config and draw always give the same decision. A sampled contract (see
 * drawNeeded) needs its draw, taken by the assessment activity from the system of record.
 */
export function decideCallback(contract: CallbackContract, config: CallbackRulesConfig, draw?: SamplingDraw): CallbackDecision {
  const match = matchRule(contract, config);
  if (!('rule' in match)) {
    return {
      required: false,
      ruleId: null,
      ratio: 0,
      sampleValue: null,
      draw: null,
      regionalOverride: null,
      reason: `no rule applies to ${contract.channel} ${contract.productType}, term ${contract.termMonths} months (${match.misses.join('; ')}): no callback required`,
    };
  }
  const { rule, ratio, raising, overrides } = match;
  const sampled = ratio > 0 && ratio < 1;
  if (sampled && !draw) throw new Error(`${rule.id} samples ${contract.policyNo} at ratio ${ratio}: decide it with its draw (drawNeeded)`);
  const required = ratio >= 1 || (sampled && isDrawn(draw!.position, ratio));

  let ratioText = `at ratio ${ratio}`;
  if (raising) {
    ratioText += ` (raised from ${rule.ratio} by ${raising.authority} for region ${raising.regionPrefix})`;
  } else if (overrides.length > 0) {
    const o = overrides[0];
    ratioText += ` (override by ${o.authority} for region ${o.regionPrefix} at ${o.ratio} not applied: the higher ratio applies)`;
  }
  const outcome =
    ratio >= 1
      ? 'every policy, callback required'
      : ratio <= 0
        ? 'no policy, no callback required'
        : `${drawText(draw!, ratio)}, ${required ? 'callback required' : 'no callback required'}`;

  return {
    required,
    ruleId: rule.id,
    ratio,
    sampleValue: sampled ? selectedAfter(draw!.position, ratio) / draw!.position : null,
    draw: sampled ? draw! : null,
    regionalOverride: raising ? { regionPrefix: raising.regionPrefix, authority: raising.authority, ratio: raising.ratio } : null,
    reason: `${rule.id} "${rule.description}" ${ratioText}: ${outcome}`,
  };
}

/** Why a rule does not match, or null when it does; the text goes into the no-rule reason. */
function mismatch(rule: CallbackRule, c: CallbackContract): string | null {
  const m = rule.match;
  if (m.channel !== undefined && c.channel !== m.channel) return `channel ${c.channel}, not ${m.channel}`;
  if (m.productTypes !== undefined && !m.productTypes.includes(c.productType)) {
    return `product type ${c.productType}, not ${m.productTypes.join('/')}`;
  }
  if (m.minTermMonthsExclusive !== undefined && c.termMonths <= m.minTermMonthsExclusive) {
    return `term ${c.termMonths} months ≤ ${m.minTermMonthsExclusive}`;
  }
  if (m.maxTermMonths !== undefined && c.termMonths > m.maxTermMonths) return `term ${c.termMonths} months > ${m.maxTermMonths}`;
  return null;
}
