/**
 * Issue 14, point 8: a missing calendar year. Next year's holiday file (config/calendar/cn-YYYY.json)
 * is published late in the year; a contract received before it is there still gets its decision and
 * cooling-off end, is called on the days the calendar knows, then waits, visibly (state.waitingFor,
 * `huifang show`, the AwaitingCalendar search attribute, /healthz, the worker's gauges), and goes on
 * once the operator adds the file, without a restart.
 *
 *   - the pure parts: the calendar's reach and its warning, the plan stopping short, the cooling-off
 *     extension left unchecked, the calendar picking up an added file;
 *   - on the time-skipping server: a policy received at the end of the server's year, with a calendar
 *     directory whose last year is the server's year;
 *   - on the dev server (visibility counts): /healthz and the gauges while a policy waits and after
 *     the file is added; the start-up warning of `npm run worker` (with its Prometheus gauges) and of
 *     `npm start`, each a real process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MetricGauge, MetricMeter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { reasonLabelsOf } from '../documents/format';
import { buildApi } from '../api/server';
import { freePort } from '../bench/dev-server';
import { formatCallbackState } from '../cli/format-callback-state';
import { calendarHealth, countAwaitingCalendar } from '../client/calendar-health';
import { loadSettings, type Settings } from '../config/settings';
import { planAttempts } from '../domain/call-plan';
import type { CallbackState } from '../domain/callback-state';
import { coolingOffPeriod } from '../domain/cooling-off';
import { addCalendarDays, instantAt, localDateOf, type LocalDate } from '../domain/local-time';
import { calendarCoverage, CalendarYearMissingError, WorkingDayCalendar } from '../domain/working-day-calendar';
import { calendarStartWarning, watchCalendar } from '../workers/calendar-watch';
import * as sa from '../workflows/search-attributes';
import { testApiUsers } from './helpers/api-users';
import { advanceTo } from './helpers/clock';
import { aContract } from './helpers/contracts';
import { completedCall, driveWaiver, openAttempt, OPERATOR, storeRecording, terminateWhenIdle, waitForCall, waitForState, workflowResult } from './helpers/drive';
import { eventually } from './helpers/eventually';
import { pendingTimerFiresAt, skipTo } from './helpers/flow-clock';
import { syntheticCalendar, syntheticYear } from './helpers/test-calendar';
import { createTestDatabase } from './helpers/test-database';
import { createHarness, generateKeyring, startDevServer, startTimeSkippingServer, stopServer, type TestHarness } from './helpers/temporal-env';

const ROOT = resolve(__dirname, '..');
const TZ = 'Asia/Shanghai';
const HOUR = 3_600_000;
const base = loadSettings();

/** A calendar directory holding fictional files for `years`. */
function calendarDir(years: number[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'huifang-calendar-'));
  for (const year of years) addYearFile(dir, year);
  return dir;
}

function addYearFile(dir: string, year: number, holidays: LocalDate[] = []): void {
  writeFileSync(join(dir, `cn-${year}.json`), JSON.stringify(syntheticYear(year, { holidays }), null, 2));
}

/** The shipped settings on a calendar directory, with the calendarYear settings given. */
function settingsOn(dir: string, calendarYear: Settings['deadlines']['calendarYear'], over: Partial<Settings> = {}): Settings {
  return { ...base, calendar: WorkingDayCalendar.fromDirectory(dir, base.timeZone), deadlines: { ...base.deadlines, calendarYear }, ...over };
}

// --- the pure parts -----------------------------------------------------------------------------

describe('how far the calendar reaches, and the warning', () => {
  const calendar = syntheticCalendar('2031-06-01'); // 2030 to 2033
  it('warns when the last loaded day is warnDaysAhead days away or less, naming the file to add', () => {
    expect(calendarCoverage(calendar, '2033-11-16', 45)).toEqual({
      missingYear: 2034,
      lastDay: '2033-12-31',
      daysLeft: 45,
      file: 'config/calendar/cn-2034.json',
      warning:
        "the working-day calendar ends on 2033-12-31 (in 45 days): add config/calendar/cn-2034.json from the State Council's holiday notice; callbacks whose period reaches 2034 plan calls up to 2033-12-31 only and then wait for it",
    });
    expect(calendarCoverage(calendar, '2033-11-15', 45)).toEqual({ missingYear: 2034, lastDay: '2033-12-31', daysLeft: 46, file: 'config/calendar/cn-2034.json' });
    expect(calendarCoverage(calendar, '2033-12-31', 45).warning).toContain('ends on 2033-12-31 (today)');
  });

  it("says so when today's own year is missing", () => {
    const c = calendarCoverage(calendar, '2034-01-05', 45);
    expect(c).toMatchObject({ missingYear: 2034, lastDay: '2033-12-31', daysLeft: -5 });
    expect(c.warning).toMatch(/^there is no working-day calendar for 2034: add config\/calendar\/cn-2034\.json/);
  });

  it('the worker and npm start warn from the settings (calendarYear.warnDaysAhead), else say nothing', () => {
    const settings = { calendar, timeZone: TZ, deadlines: { ...base.deadlines, calendarYear: { recheckHours: 2, warnDaysAhead: 45 } } };
    expect(calendarStartWarning(settings, instantAt('2033-12-01', '10:00'))).toContain('add config/calendar/cn-2034.json');
    expect(calendarStartWarning(settings, instantAt('2033-10-01', '10:00'))).toBeUndefined();
    expect(calendarStartWarning({ ...settings, deadlines: { ...settings.deadlines, calendarYear: { recheckHours: 2, warnDaysAhead: 120 } } }, instantAt('2033-10-01', '10:00'))).toContain('cn-2034.json');
  });
});

describe('a plan that reaches a missing year', () => {
  const only2031 = new WorkingDayCalendar([syntheticYear(2031)]);
  const request = (now: string, endsAt: string) => ({ now: new Date(now), coolingOffEndsAt: new Date(endsAt), config: base.callPlan, calendar: only2031, timeZone: TZ });

  it('covers the days before it and says where it stops', () => {
    const plan = planAttempts(request('2031-12-29T07:00:00+08:00', '2032-01-13T00:00:00+08:00'));
    expect(plan.calendarMissing).toEqual({ year: 2032, from: '2032-01-01', file: 'config/calendar/cn-2032.json' });
    expect(plan.slots.map((s) => localDateOf(new Date(s.start)))).toEqual(['2031-12-29', '2031-12-29', '2031-12-29', '2031-12-30', '2031-12-30', '2031-12-30', '2031-12-31', '2031-12-31', '2031-12-31']);
  });

  it('with no known slot left, stops there: no fall-back to the margin or to late attempts it cannot know are right', () => {
    const gap = { year: 2032, from: '2032-01-01', file: 'config/calendar/cn-2032.json' };
    expect(planAttempts(request('2031-12-31T21:00:00+08:00', '2032-01-06T00:00:00+08:00'))).toEqual({ slots: [], calendarMissing: gap });
    // Inside the fallback margin already: what is left of the period stops at the missing year, no late attempts.
    expect(planAttempts(request('2031-12-31T21:00:00+08:00', '2032-01-02T00:00:00+08:00'))).toEqual({ slots: [], calendarMissing: gap });
    // Past the period's end: the late attempts stop at the missing year too.
    expect(planAttempts(request('2031-12-31T21:00:00+08:00', '2031-12-30T00:00:00+08:00')).calendarMissing).toMatchObject({ year: 2032, from: '2032-01-01' });
  });

  it('is whole when the calendar has every day it needs', () => {
    expect(planAttempts(request('2031-12-01T07:00:00+08:00', '2031-12-16T00:00:00+08:00')).calendarMissing).toBeUndefined();
  });
});

describe('the cooling-off period when the year of its last day is missing', () => {
  const only2031 = new WorkingDayCalendar([syntheticYear(2031)]);
  const contract = { receiptSignedOn: '2031-12-28', channel: 'agency', productType: 'traditional', productCode: 'WL20' } as const;

  it('is still counted; the holiday extension is left unchecked and the state says so', () => {
    const p = coolingOffPeriod(contract, { ...base.coolingOff, extendWhenLastDayIsHoliday: true }, only2031, TZ);
    expect(p).toMatchObject({ days: 15, lastDay: '2032-01-12', endsAt: '2032-01-12T16:00:00.000Z', extendedForHoliday: false, extensionNotChecked: { missingYear: 2032, file: 'config/calendar/cn-2032.json' } });
    expect(p.rule).toBe('default 15 days; holiday extension not checked: no working-day calendar for 2032 yet (counted without it)');
  });

  it('without the extension setting the calendar is not consulted at all', () => {
    expect(coolingOffPeriod(contract, base.coolingOff, only2031, TZ)).not.toHaveProperty('extensionNotChecked');
  });
});

describe('a calendar loaded from a directory', () => {
  it('picks up a year added to the directory when asked about it; loaded years stay as they were', () => {
    const dir = calendarDir([2031]);
    const calendar = WorkingDayCalendar.fromDirectory(dir);
    expect(() => calendar.isWorkingDay('2032-01-01')).toThrow(CalendarYearMissingError);
    expect(() => calendar.isWorkingDay('2032-01-01')).toThrow(`add ${join(dir, 'cn-2032.json')}`);
    addYearFile(dir, 2032, ['2032-01-01']);
    expect(calendar.isWorkingDay('2032-01-01')).toBe(false);
    expect(calendar.years()).toEqual([2031, 2032]);
    // An edited file of a loaded year changes nothing until a restart.
    addYearFile(dir, 2031, ['2031-03-03']);
    expect(calendar.refresh()).toEqual({ added: [], problems: [] });
    expect(calendar.isWorkingDay('2031-03-03')).toBe(true);
  });

  it('a new file that is not valid is not loaded, and the error of a date in its year says why', () => {
    const dir = calendarDir([2031]);
    const calendar = WorkingDayCalendar.fromDirectory(dir);
    writeFileSync(join(dir, 'cn-2032.json'), JSON.stringify({ ...syntheticYear(2032), holidays: [{ date: '2032-02-30', name: '春节' }] }));
    expect(() => calendar.isPublicHoliday('2032-02-01')).toThrow(/no working-day calendar for 2032: add .*cn-2032\.json.*; .*cn-2032\.json: holidays\[0\]\.date: must be a calendar date/);
    expect(calendar.refresh().problems).toEqual([expect.stringContaining('cn-2032.json: holidays[0].date')]);
  });
});

// --- on the time-skipping server ---------------------------------------------------------------

describe('a policy whose period reaches the missing year (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let h: TestHarness;
  let dir: string;
  let year: number;
  const started: string[] = [];

  beforeAll(async () => {
    const keyring = generateKeyring();
    env = await startTimeSkippingServer(keyring);
    // 29 December, 07:00, of the server's year (or the next, once that has passed): before the day's first slot.
    const now = new Date(await env.currentTimeMs());
    year = Number(localDateOf(now, TZ).slice(0, 4));
    if (instantAt(`${year}-12-29`, '07:00', TZ) <= now) year++;
    await advanceTo(env, instantAt(`${year}-12-29`, '07:00', TZ));
    dir = calendarDir([year - 1, year]);
    h = await createHarness(env, keyring, {
      settings: settingsOn(dir, { recheckHours: 6, warnDaysAhead: 45 }, { coolingOff: { ...base.coolingOff, extendWhenLastDayIsHoliday: true } }),
    });
  });
  afterAll(async () => {
    await h?.withWorker(async () => {
      for (const policyNo of started) await terminateWhenIdle(h, policyNo);
    });
    await stopServer(env);
  });

  test('is assessed and shows why, calls on the known days, waits for the file, and goes on once it is added', async () => {
    const next = year + 1;
    const file = join(dir, `cn-${next}.json`);
    const contract = aContract({ issuedOn: `${year}-12-25`, receiptSignedOn: `${year}-12-28` });
    const p = contract.policyNo;
    started.push(p);
    const awaitingCalendar = async () => (await h.huifang.handle(p).describe()).typedSearchAttributes.get(sa.AwaitingCalendar);

    await h.withWorker(async () => {
      await h.huifang.startCallback(contract);
      const first = await waitForCall(h, p, 1);
      // The decision and the cooling-off end stand; the extension could not be checked, and says so.
      expect(first.decision).toMatchObject({ required: true });
      expect(first.coolingOff).toMatchObject({ lastDay: `${next}-01-12`, extendedForHoliday: false, extensionNotChecked: { missingYear: next, file } });
      // The plan: the days of this year only, and where it stops.
      expect(first.calendarMissing).toMatchObject({ year: next, from: `${next}-01-01`, file, recheckHours: 6 });
      expect([first.attempts[0].slot, ...first.plan].map((s) => localDateOf(new Date(s.start), TZ))).toEqual([29, 29, 29, 30, 30, 30, 31, 31, 31].map((d) => `${year}-12-${d}`));
      expect(first.stageHistory.map((c) => c.note)).toContain(`calls planned up to ${next}-01-01 only: no working-day calendar for ${next} yet (${file})`);
      const shown = formatCallbackState(await h.huifang.callbackView(p)); // `huifang show`
      expect(shown).toContainEqual(`calendar     no working-day calendar for ${next} yet (${file}): calls planned before ${next}-01-01 only, then the callback waits for it`);
      expect(shown).toContainEqual(`             holiday extension not checked: no working-day calendar for ${next} (counted without it)`);
      expect(first.waitingFor).toBeUndefined();

      // The known days are called: one answered 'no-answer', the other eight ring out.
      await h.huifang.recordCallOutcome(p, { attemptId: openAttempt(first).attemptId, outcome: 'no-answer', operator: OPERATOR });
      const waiting = await waitForState(h, p, (s) => s.waitingFor !== undefined, { what: 'the wait for the calendar year' });
      expect(waiting.attempts).toHaveLength(9);
      expect(waiting.attempts.map((a) => a.outcome)).toEqual(['no-answer', ...Array(8).fill('not-made')]);
      const lastSlotEnd = waiting.attempts[8].slot.end;
      expect(lastSlotEnd).toBe(instantAt(`${year}-12-31`, '20:30', TZ).toISOString());

      // Waiting, visibly: the reason in the state, in `huifang show`, in the stage note and the search attribute.
      expect(waiting.stage).toBe('AWAITING_CALL');
      expect(waiting.nextAttemptAt).toBeUndefined();
      expect(waiting.plan).toEqual([]);
      // (Since the last slot's end, give or take the milliseconds the worker took.)
      const since = waiting.waitingFor!.since;
      expect(Date.parse(since) - Date.parse(lastSlotEnd)).toBeGreaterThanOrEqual(0);
      expect(Date.parse(since) - Date.parse(lastSlotEnd)).toBeLessThan(60_000);
      const checkAt = new Date(Date.parse(since) + 6 * HOUR).toISOString();
      expect(waiting.waitingFor).toEqual({ kind: 'calendar-year', year: next, file, since, nextCheckAt: checkAt, checks: 0 });
      expect(waiting.stageHistory.at(-1)!.note).toBe(`waiting for the ${next} working-day calendar (${file}): the calls it allowed before ${next}-01-01 are done`);
      expect(formatCallbackState(await h.huifang.callbackView(p))).toContainEqual(
        `waiting for  the ${next} working-day calendar since ${year}-12-31 20:30: add ${file}; looked 0 times, next ${next}-01-01 02:30`,
      );
      expect(await awaitingCalendar()).toBe(true);
      // The one timer pending is that look (the server dates it to its own milliseconds).
      expect(Math.abs((await pendingTimerFiresAt(h, `callback-${p}`)).getTime() - Date.parse(checkAt))).toBeLessThan(1_000);

      // At the first look the file is not there yet: it waits again, the next look recheckHours later.
      await skipTo(h, new Date(Date.parse(checkAt) + 60_000));
      const again = await waitForState(h, p, (s) => s.waitingFor?.checks === 1, { what: 'the first look for the file' });
      const secondCheck = again.waitingFor!.nextCheckAt;
      expect(again.waitingFor!.since).toBe(since);
      expect(Math.abs(Date.parse(secondCheck) - Date.parse(checkAt) - 6 * HOUR)).toBeLessThan(1_000);
      expect(again.attempts).toHaveLength(9);

      // The operator adds the file: the next look plans the rest of the calls, in the new year.
      addYearFile(dir, next);
      await skipTo(h, new Date(Date.parse(secondCheck) + 60_000));
      const resumed = await waitForCall(h, p, 10);
      expect(resumed.waitingFor).toBeUndefined();
      expect(resumed.calendarMissing).toBeUndefined();
      expect(await awaitingCalendar()).toBe(false);
      expect(resumed.attempts[9].slot.start).toBe(instantAt(`${next}-01-01`, '09:30', TZ).toISOString());
      expect(resumed.stageHistory.map((c) => c.note)).toContain(`the ${next} working-day calendar is there (waited since ${year}-12-31 20:30): ${resumed.plan.length + 1} slots planned`);
      expect([resumed.attempts[9].slot, ...resumed.plan].every((s) => s.start >= instantAt(`${next}-01-01`, '00:00', TZ).toISOString() && !s.late)).toBe(true);

      const report = completedCall(resumed);
      expect((await h.huifang.recordCallOutcome(p, report)).stage).toBe('AWAITING_RECORDING');
      const stored = storeRecording(h, report.recordingRef!);
      await h.huifang.uploadRecording(p, { reference: stored.reference, checksum: stored.checksum, uploadedBy: OPERATOR });
      expect(await workflowResult(h, p)).toMatchObject({ stage: 'COMPLETED', attemptsMade: 2 });
    });
  });
});

// --- on the dev server: /healthz, the gauges, the start-up warnings ----------------------------

/**
 * A meter that keeps the last value of each gauge (the worker's is the SDK runtime's, exported to
 * Prometheus), and refuses what the SDK's refuses: a negative value.
 */
function recordingMeter(): { meter: MetricMeter; values: Map<string, number> } {
  const values = new Map<string, number>();
  const set = (name: string, v: number) => {
    if (v < 0) throw new Error(`MetricGauge value must be non-negative (got ${v})`);
    values.set(name, v);
  };
  const gauge = (name: string): MetricGauge => ({ name, kind: 'gauge', valueType: 'int', set: (v: number) => set(name, v), withTags: () => gauge(name) }) as unknown as MetricGauge;
  const meter = { createGauge: gauge, withTags: () => meter } as unknown as MetricMeter;
  return { meter, values };
}

describe('ops see it: /healthz, the worker gauges and the start-up warnings (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let h: TestHarness;
  let api: FastifyInstance;
  let dir: string;
  let year: number;
  const children: ChildProcess[] = [];
  const started: string[] = [];

  beforeAll(async () => {
    const keyring = generateKeyring();
    env = await startDevServer(keyring);
    year = Number(localDateOf(new Date(await env.currentTimeMs()), TZ).slice(0, 4));
    // This year's file is missing (the year before and the year after are there): whatever the day,
    // a policy received today has no known day to call on and waits at once. Looks every 2 seconds.
    dir = calendarDir([year - 1, year + 1]);
    h = await createHarness(env, keyring, { settings: settingsOn(dir, { recheckHours: 2 / 3600, warnDaysAhead: 45 }) });
    const { deadlines, calendar } = h.settings;
    api = buildApi({
      huifang: h.huifang,
      auth: (await testApiUsers()).auth,
      reasonLabels: reasonLabelsOf(h.settings.transferReasons),
      health: async () => calendarHealth({ calendar, warnDaysAhead: deadlines.calendarYear.warnDaysAhead, countAwaiting: () => countAwaitingCalendar(h.huifang.temporal), now: new Date(await env.currentTimeMs()) }),
    });
  });
  afterAll(async () => {
    for (const child of children.filter((c) => c.exitCode === null)) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await api?.close();
    await h?.withWorker(async () => {
      for (const policyNo of started) await terminateWhenIdle(h, policyNo).catch(() => undefined);
    });
    await stopServer(env);
  });

  const healthz = async () => {
    const res = await api.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  test('a waiver accepted while the policy waits for the calendar closes it, and it waits no more', async () => {
    const today = localDateOf(new Date(await env.currentTimeMs()), TZ);
    const contract = aContract({ issuedOn: addCalendarDays(today, -3), receiptSignedOn: addCalendarDays(today, -1) });
    started.push(contract.policyNo);
    await h.withWorker(async () => {
      const summary = await driveWaiver(h, contract);
      expect(summary.stage).toBe('WAIVED');
      expect(summary.stageHistory.map((c) => c.note)).toContainEqual(expect.stringMatching(/^waiting for the \d{4} working-day calendar/));
      expect(summary.waitingFor).toBeUndefined();
      expect((await h.huifang.handle(contract.policyNo).describe()).typedSearchAttributes.get(sa.AwaitingCalendar)).toBe(false);
    });
  });

  test('degraded with the missing year while the calendar lacks it and a policy waits; ok once the file is added', async () => {
    const file = join(dir, `cn-${year}.json`);
    const before = await eventually('healthz with no callback waiting', async () => {
      const body = await healthz();
      return body.awaitingCalendar === 0 ? body : undefined;
    });
    expect(before).toMatchObject({ ok: true, status: 'degraded', calendar: { missingYear: year, file, warnDaysAhead: 45 }, awaitingCalendar: 0 });
    expect(before.problems).toEqual([expect.stringMatching(new RegExp(`^there is no working-day calendar for ${year}: add ${file}`))]);

    const today = localDateOf(new Date(await env.currentTimeMs()), TZ);
    const contract = aContract({ issuedOn: addCalendarDays(today, -3), receiptSignedOn: addCalendarDays(today, -1) });
    started.push(contract.policyNo);
    const { meter, values } = recordingMeter();
    const watchWarnings: string[] = [];
    const watch = watchCalendar({ settings: h.settings, meter, everyMs: 3_600_000, countAwaiting: () => countAwaitingCalendar(h.huifang.temporal), now: () => new Date(), warn: (m) => watchWarnings.push(m) });
    try {
      await h.withWorker(async () => {
        await h.huifang.startCallback(contract);
        const waiting = await eventually('the policy waiting for the calendar', async () => {
          const s: CallbackState = await h.huifang.getCallbackState(contract.policyNo);
          return s.waitingFor ? s : undefined;
        });
        expect(waiting).toMatchObject({ stage: 'AWAITING_CALL', attempts: [], calendarMissing: { year, from: today, file }, waitingFor: { kind: 'calendar-year', year, file } });
        expect(waiting.decision?.required).toBe(true);
        expect(waiting.coolingOff?.lastDay).toBe(addCalendarDays(today, 14));

        const degraded = await eventually('healthz counting the waiting policy', async () => {
          const body = await healthz();
          return body.awaitingCalendar === 1 ? body : undefined;
        });
        expect(degraded.status).toBe('degraded');
        expect(degraded.problems).toContainEqual(`1 callback waits for the ${year} working-day calendar: add ${file}`);
        await watch.check();
        // (The calendar ended with last year: 0 days left.)
        expect(Object.fromEntries(values)).toEqual({ huifang_calendar_days_left: 0, huifang_calendar_missing_year: year, huifang_callbacks_awaiting_calendar: 1 });

        // The operator adds the file: the policy plans its calls at its next look, and ops are clear.
        addYearFile(dir, year);
        const planned = await eventually('the policy planning its calls', async () => {
          const s: CallbackState = await h.huifang.getCallbackState(contract.policyNo);
          return !s.waitingFor && (s.plan.length > 0 || s.attempts.length > 0) ? s : undefined;
        });
        expect(planned.calendarMissing).toBeUndefined();
        const ok = await eventually('healthz ok', async () => {
          const body = await healthz();
          return body.awaitingCalendar === 0 ? body : undefined;
        });
        expect(ok).toMatchObject({ ok: true, status: 'ok', problems: [], calendar: { missingYear: year + 2 } });
        await watch.check();
        expect(values.get('huifang_callbacks_awaiting_calendar')).toBe(0);
        expect(values.get('huifang_calendar_missing_year')).toBe(year + 2);
        expect(values.get('huifang_calendar_days_left')).toBeGreaterThan(365);
        expect(watchWarnings).toEqual([]);
      });
    } finally {
      watch.stop();
    }
  });

  /** A configuration folder as an operator has it: the shipped files, and calendar files for `years`. */
  function configDir(years: number[]): string {
    const config = mkdtempSync(join(tmpdir(), 'huifang-config-'));
    for (const f of readdirSync(base.configDir).filter((f) => f.endsWith('.json'))) copyFileSync(join(base.configDir, f), join(config, f));
    mkdirSync(join(config, 'calendar'));
    for (const y of years) writeFileSync(join(config, 'calendar', `cn-${y}.json`), JSON.stringify(syntheticYear(y)));
    return config;
  }

  function run(args: string[], envVars: Record<string, string>): { child: ChildProcess; output: () => string } {
    let out = '';
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...envVars }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    return { child, output: () => out };
  }

  test('`npm run worker` warns at start, naming the file, and serves the calendar gauges; `npm start` warns first thing', async () => {
    // The processes read the machine's clock: a calendar without the current year warns whatever the date.
    const config = configDir([year - 1]);
    const file = join(config, 'calendar', `cn-${year}.json`);
    const port = await freePort();
    const keyring = generateKeyring();
    const worker = run(['workers/main.ts'], {
      TEMPORAL_ADDRESS: env.address,
      HUIFANG_TASK_QUEUE: `calendar-year-${process.pid}`,
      HUIFANG_PAYLOAD_KEYS: [...keyring.keys].map(([id, key]) => `${id}:${key.toString('base64')}`).join(','),
      HUIFANG_PAYLOAD_KEY_ID: keyring.currentKeyId,
      HUIFANG_METRICS_ADDRESS: `127.0.0.1:${port}`,
      HUIFANG_CALL_CENTER: 'staff',
      HUIFANG_CONFIG_DIR: config,
      HUIFANG_RECORDINGS_DIR: mkdtempSync(join(tmpdir(), 'huifang-rec-')),
      HUIFANG_OUTPUT_DIR: mkdtempSync(join(tmpdir(), 'huifang-out-')),
      // A database of its own on the run's PostgreSQL (gone with it at the end of the run).
      HUIFANG_DATABASE_URL: (await createTestDatabase(keyring)).url,
    });
    await eventually('the worker polling', async () => (worker.output().includes('worker polling task queue') ? true : undefined), 60_000, () => `\n${worker.output().slice(-2000)}`);
    const warning = worker
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; message: string })
      .find((l) => l.message.includes('working-day calendar'));
    expect(warning).toMatchObject({ level: 'WARN', message: expect.stringMatching(new RegExp(`^there is no working-day calendar for ${year}: add ${file} from the State Council's holiday notice`)) });

    const metrics = await eventually('the calendar gauges', async () => {
      const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return /^huifang_callbacks_awaiting_calendar\b/m.test(body) ? body : undefined;
    });
    expect(metrics).toMatch(new RegExp(`^huifang_calendar_missing_year(\\{[^}]*\\})? ${year}$`, 'm'));
    expect(metrics).toMatch(/^huifang_calendar_days_left(\{[^}]*\})? 0$/m);
    expect(metrics).toMatch(/^# TYPE huifang_callbacks_awaiting_calendar gauge$/m);

    // npm start (on a cluster address nobody answers, so it starts nothing): the warning comes before anything else.
    const start = run(['scripts/start.ts'], { TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`, HUIFANG_CONFIG_DIR: config, HUIFANG_METRICS_ADDRESS: 'off' });
    const line = await eventually('the npm start warning', async () => start.output().split('\n').find((l) => l.includes('working-day calendar')), 30_000, () => `\n${start.output()}`);
    expect(line).toMatch(new RegExp(`^\\[huifang\\] WARNING there is no working-day calendar for ${year}: add ${file}`));
    expect(start.output().split('\n').find((l) => l.startsWith('[huifang]'))).toBe(line);
  });
});
