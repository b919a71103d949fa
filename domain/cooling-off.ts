/**
 * The cooling-off period (犹豫期) a callback must fall inside (DOMAIN.md "Deadlines"), and its config
 * (config/cooling-off.json).
 *
 * Counting, after the Civil Code art. 201/203: the day the policyholder signs the receipt is not
 * counted, so the period starts the next day and N days later ends at local midnight after the last
 * day. Whether a last day that is a public holiday moves to the next working day is a per-insurer
 * setting, off by default.
 */
import { z } from 'zod';
import { CHANNELS, PRODUCT_TYPES, type Contract } from './contract';
import { addCalendarDays, DEFAULT_TIME_ZONE, instantAt, type LocalDate } from './local-time';
import { calendarYearMissing } from './working-day-calendar';

/** What this module needs of a working-day calendar (domain/working-day-calendar.ts provides one). */
export interface WorkingDays {
  isWorkingDay(date: LocalDate): boolean;
  nextWorkingDay(date: LocalDate): LocalDate;
}

const daysSchema = z.number().int().min(1, 'must be at least 1 day').max(366, 'must be at most 366 days');

const overrideSchema = z
  .object({
    channel: z.enum(CHANNELS).optional(),
    productType: z.enum(PRODUCT_TYPES).optional(),
    productCode: z.string().regex(/^[A-Za-z0-9-]{1,20}$/, 'must be 1-20 letters, digits or dashes').optional(),
    days: daysSchema,
    note: z.string().optional(),
  })
  .strict()
  .refine((o) => o.channel !== undefined || o.productType !== undefined || o.productCode !== undefined, {
    message: 'must name a channel, productType or productCode',
  });

/**
 * An override applies when every selector it names equals the contract's. When several apply, the
 * most specific wins: productCode outranks productType, which outranks channel; an override naming
 * more of them outranks one naming fewer of the same rank (channel+productType beats productType).
 * Two overrides with the same selectors would tie, so the schema rejects them.
 */
export const coolingOffConfigSchema = z
  .object({
    defaultDays: daysSchema,
    extendWhenLastDayIsHoliday: z.boolean(),
    overrides: z.array(overrideSchema),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.overrides.forEach((o, i) => {
      const key = JSON.stringify([o.channel ?? null, o.productType ?? null, o.productCode ?? null]);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['overrides', i], message: `same channel/productType/productCode as overrides[${earlier}]` });
      } else {
        seen.set(key, i);
      }
    });
  });

export type CoolingOffConfig = z.infer<typeof coolingOffConfigSchema>;
export type CoolingOffOverride = CoolingOffConfig['overrides'][number];

export type CoolingOffContract = Pick<Contract, 'receiptSignedOn' | 'channel' | 'productType' | 'productCode'>;

export interface CoolingOffPeriod {
  days: number;
  /** The first counted day: the day after the receipt was signed. */
  startsOn: LocalDate;
  /** The last day inside the period, after any holiday extension. */
  lastDay: LocalDate;
  /** ISO instant, exclusive: local midnight at the end of lastDay. */
  endsAt: string;
  extendedForHoliday: boolean;
  /**
   * Set when the holiday extension is on but could not be checked: the year of the counted last day
   * (or of the next working day) has no working-day calendar yet. The period is then counted without
   * the extension, which can only make it shorter than it may turn out, never longer.
   */
  extensionNotChecked?: { missingYear: number; file: string };
  /** Which config entry set the length, and any extension, in words. */
  rule: string;
}

/**
 * The calendar is consulted only when the extension setting is on, so a year missing from the
 * calendar cannot break the default counting; with the setting on, a missing year leaves the period
 * unextended and says so (extensionNotChecked, and the rule in words).
 */
export function coolingOffPeriod(
  contract: CoolingOffContract,
  config: CoolingOffConfig,
  calendar: WorkingDays,
  timeZone: string = DEFAULT_TIME_ZONE,
): CoolingOffPeriod {
  const { days, rule } = lengthFor(contract, config);
  const startsOn = addCalendarDays(contract.receiptSignedOn, 1);
  const countedLastDay = addCalendarDays(contract.receiptSignedOn, days);

  let lastDay = countedLastDay;
  let extension = '';
  let extensionNotChecked: CoolingOffPeriod['extensionNotChecked'];
  if (config.extendWhenLastDayIsHoliday) {
    try {
      if (!calendar.isWorkingDay(countedLastDay)) {
        lastDay = calendar.nextWorkingDay(countedLastDay);
        extension = `; last day ${countedLastDay} is not a working day, extended to ${lastDay}`;
      }
    } catch (err) {
      const missing = calendarYearMissing(err);
      if (!missing) throw err;
      lastDay = countedLastDay;
      extensionNotChecked = { missingYear: missing.year, file: missing.file };
      extension = `; holiday extension not checked: no working-day calendar for ${missing.year} yet (counted without it)`;
    }
  }

  return {
    days,
    startsOn,
    lastDay,
    endsAt: instantAt(lastDay, '24:00', timeZone).toISOString(),
    extendedForHoliday: lastDay !== countedLastDay,
    ...(extensionNotChecked ? { extensionNotChecked } : {}),
    rule: `${rule}${extension}`,
  };
}

function lengthFor(contract: CoolingOffContract, config: CoolingOffConfig): { days: number; rule: string } {
  let best: { override: CoolingOffOverride; index: number; rank: number } | null = null;
  for (const [index, override] of config.overrides.entries()) {
    const applies =
      (override.channel === undefined || override.channel === contract.channel) &&
      (override.productType === undefined || override.productType === contract.productType) &&
      (override.productCode === undefined || override.productCode === contract.productCode);
    if (!applies) continue;
    // Bit weights make any productCode outrank any combination without one, and so on down.
    const rank = (override.productCode ? 4 : 0) + (override.productType ? 2 : 0) + (override.channel ? 1 : 0);
    if (!best || rank > best.rank) best = { override, index, rank };
  }

  if (!best) return { days: config.defaultDays, rule: `default ${config.defaultDays} days` };
  const { override, index } = best;
  const selectors = [
    override.productCode && `productCode ${override.productCode}`,
    override.productType && `productType ${override.productType}`,
    override.channel && `channel ${override.channel}`,
  ].filter(Boolean);
  return { days: override.days, rule: `overrides[${index}] (${selectors.join(', ')}) ${override.days} days` };
}
