/**
 * A new contract as the policy-issuance system sends it. This schema is the one gate every
 * contract passes (API, CLI import, tests): anything it accepts is safe to start a workflow with.
 */
import { z } from 'zod';
import { callPreferenceSchema, outsideCallingHours, type CallingHours } from './calling-hours';
import { isValidLocalDate, type LocalDate } from './local-time';
import { PHONE } from './patterns';
import type { FieldError } from './validation';

import { CHANNELS, PRODUCT_TYPES } from './vocabulary';

export { CHANNELS, PRODUCT_TYPES };
export const PREMIUM_MODES = ['single', 'annual', 'semiannual', 'quarterly', 'monthly'] as const;

export type Channel = (typeof CHANNELS)[number];
export type ProductType = (typeof PRODUCT_TYPES)[number];

/** Policy numbers end up in workflow ids and search attributes, so keep them to a safe alphabet. */
export const policyNoSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{3,39}$/, 'must be 4-40 letters, digits or dashes');

const localDate = z
  .string()
  .refine(isValidLocalDate, 'must be a calendar date written YYYY-MM-DD (Asia/Shanghai)');

/** Mainland mobile numbers, or a landline with area code (0xx-xxxxxxxx). */
export const phoneSchema = z.string().regex(PHONE.pattern, PHONE.message);

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** 18-character resident identity number, with its ISO 7064 check character verified. */
export function isValidResidentId(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return ID_CHECK[sum % 11] === id[17] && isValidLocalDate(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`);
}

const orgCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'must be an office code of letters, digits or dashes');

/** Strict at every level: an unknown field, nested or not, is refused by name rather than dropped unseen. */
export const contractSchema = z
  .object({
    policyNo: policyNoSchema,
    channel: z.enum(CHANNELS),
    productCode: z.string().regex(/^[A-Za-z0-9-]{1,20}$/, 'must be 1-20 letters, digits or dashes'),
    productType: z.enum(PRODUCT_TYPES),
    termMonths: z.number().int().positive().max(1200),
    premium: z.object({
      amount: z.number().positive(),
      currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY'),
      mode: z.enum(PREMIUM_MODES),
    }).strict(),
    issuedOn: localDate,
    receiptSignedOn: localDate,
    regionCode: z.string().regex(/^\d{6}$/, 'must be a 6-digit administrative division code'),
    org: z.object({
      branch: orgCode,
      centralSubBranch: orgCode,
      tier4Office: orgCode,
    }).strict(),
    agent: z.object({
      code: orgCode,
      name: z.string().trim().min(1).max(50),
      phone: phoneSchema,
    }).strict(),
    /** The policyholder's preferred calling window, if they gave one (local time, e.g. 19:00-20:30). */
    callPreference: callPreferenceSchema.optional(),
    /** How the policyholder chose to be called back, if they chose (e-callback or phone). */
    callbackMethod: z.enum(['e-callback', 'phone']).optional(),
    /** The policyholder asked not to be called: e-callback, else letter or on-site, never the phone first. */
    doNotCall: z.boolean().optional(),
    policyholder: z.object({
      name: z.string().trim().min(1).max(50),
      phone: phoneSchema.optional(),
      idNumber: z.string().refine(isValidResidentId, 'must be an 18-character resident ID number with a valid check character'),
    }).strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.receiptSignedOn < c.issuedOn) {
      ctx.addIssue({ code: 'custom', path: ['receiptSignedOn'], message: 'must not be before issuedOn' });
    }
  });

export type Contract = z.infer<typeof contractSchema>;

/**
 * What intake checks beyond the contract's own shape, against the day it arrives and the insurer's
 * calling hours: the API and the CLI import apply it after the schema, with their own clock.
 */
export interface IntakeRules {
  /** The business day the contract arrives on (Asia/Shanghai). */
  today: LocalDate;
  /** The insurer's calling hours (config/call-plan.json `callingHours`). */
  callingHours: CallingHours;
}

/** A schema-valid contract's problems at intake, field by field (empty when it may start). */
export function intakeRejections(contract: Contract, rules: IntakeRules): FieldError[] {
  const fields: FieldError[] = [];
  if (contract.receiptSignedOn > rules.today) {
    fields.push({ field: 'receiptSignedOn', message: `is after today (${rules.today}): a receipt cannot be signed in the future` });
  }
  const pref = contract.callPreference;
  if (pref && !pref.customerRequested && outsideCallingHours(pref, rules.callingHours)) {
    const hours = `${rules.callingHours.from}-${rules.callingHours.to}`;
    fields.push({
      field: 'callPreference',
      message: `${pref.from}-${pref.to} is wholly outside calling hours ${hours}: accepted only as the customer's own request (callPreference.customerRequested: true)`,
    });
  }
  return fields;
}
