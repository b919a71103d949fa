/**
 * Loads and validates every configuration file of this folder at start-up. A worker with a bad file
 * refuses to start, with the file and the field named, rather than mis-deciding callbacks later.
 * HUIFANG_CONFIG_DIR points at another folder with the same layout (e.g. per insurer).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { callPlanConfigSchema, type CallPlanConfig } from '../domain/call-plan';
import { callbackRulesConfigSchema, type CallbackRulesConfig } from '../domain/callback-rules';
import { coolingOffConfigSchema, type CoolingOffConfig } from '../domain/cooling-off';
import { deadlinesConfigSchema, type DeadlinesConfig } from '../domain/deadlines';
import { exemptionListConfigSchema, type ExemptionListConfig } from '../domain/exemption-list';
import { fallbackConfigSchema, type FallbackConfig } from '../domain/fallback';
import { DEFAULT_TIME_ZONE } from '../domain/local-time';
import { retentionConfigSchema, type RetentionConfig } from '../domain/retention';
import { questionnaireConfigSchema, type QuestionnaireConfig } from '../domain/questionnaire';
import { STAFF_DIRECTORY_FILE, staffDirectorySchema, type StaffDirectory } from '../domain/staff-directory';
import { ticketsConfigSchema, type TicketsConfig } from '../domain/ticket';
import { eCallbackConfigSchema, type ECallbackConfig } from '../domain/e-callback-config';
import { transferReasonsConfigSchema, type TransferReasonsConfig } from '../domain/transfer-reasons';
import { describeFieldErrors, toFieldErrors } from '../domain/validation';
import { WorkingDayCalendar } from '../domain/working-day-calendar';

export const DEFAULT_CONFIG_DIR = __dirname;

export interface Settings {
  configDir: string;
  timeZone: string;
  callbackRules: CallbackRulesConfig;
  coolingOff: CoolingOffConfig;
  callPlan: CallPlanConfig;
  questionnaire: QuestionnaireConfig;
  transferReasons: TransferReasonsConfig;
  tickets: TicketsConfig;
  deadlines: DeadlinesConfig;
  fallback: FallbackConfig;
  exemptionList: ExemptionListConfig;
  retention: RetentionConfig;
  eCallback: ECallbackConfig;
  directory: StaffDirectory;
  calendar: WorkingDayCalendar;
}

export class SettingsError extends Error {}

export function readConfigFile<T extends z.ZodType>(dir: string, file: string, schema: T): z.infer<T> {
  const path = join(dir, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SettingsError(`${path}: ${(err as Error).message}`);
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new SettingsError(`${path}: ${describeFieldErrors(toFieldErrors(result.error))}`);
  return result.data;
}

export function loadSettings(dir: string = process.env.HUIFANG_CONFIG_DIR ?? DEFAULT_CONFIG_DIR): Settings {
  const timeZone = process.env.HUIFANG_TIME_ZONE ?? DEFAULT_TIME_ZONE;
  return {
    configDir: dir,
    timeZone,
    callbackRules: readConfigFile(dir, 'callback-rules.json', callbackRulesConfigSchema),
    coolingOff: readConfigFile(dir, 'cooling-off.json', coolingOffConfigSchema),
    callPlan: readConfigFile(dir, 'call-plan.json', callPlanConfigSchema),
    questionnaire: readConfigFile(dir, 'questionnaire.json', questionnaireConfigSchema),
    transferReasons: readConfigFile(dir, 'transfer-reasons.json', transferReasonsConfigSchema),
    tickets: readConfigFile(dir, 'tickets.json', ticketsConfigSchema),
    deadlines: readConfigFile(dir, 'deadlines.json', deadlinesConfigSchema),
    fallback: readConfigFile(dir, 'fallback.json', fallbackConfigSchema),
    exemptionList: readConfigFile(dir, 'exemption-list.json', exemptionListConfigSchema),
    retention: readConfigFile(dir, 'retention.json', retentionConfigSchema),
    eCallback: readConfigFile(dir, 'e-callback.json', eCallbackConfigSchema),
    directory: readConfigFile(dir, STAFF_DIRECTORY_FILE, staffDirectorySchema),
    calendar: WorkingDayCalendar.fromDirectory(join(dir, 'calendar'), timeZone),
  };
}
