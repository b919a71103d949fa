/**
 * The 08:30 exemption list on the dev server (the time-skipping server runs no Schedules): the
 * Schedule's spec and next runs in Asia/Shanghai, created idempotently; its run on a working day
 * mails each central sub-branch's list with the signed statements through a real local SMTP server,
 * once; on a holiday it sends nothing. A run's day is the local date of its scheduled time, so the
 * Schedule's runs here are backfilled for a chosen day (as a run caught up after an outage): nothing
 * depends on the hour the test runs at. The days are laid out around the server's date, read once:
 * the list's day a working day for one worker, a holiday for another; a day well ahead for a list
 * mailed before its 08:30 deadline, the past day's list being late.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { AddressObject, ParsedMail } from 'mailparser';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { SmtpNotifier } from '../notifications/smtp-notifier';
import { ensureExemptionListSchedule } from '../client/exemption-list-schedule';
import type { CallbackRecord } from '../domain/callback-record';
import { addCalendarDays, dayOfWeek, instantAt, localDateOf, localMinutesOf } from '../domain/local-time';
import type { WorkingDayCalendar } from '../domain/working-day-calendar';
import { startLocalSmtp, type LocalSmtp } from '../scripts/local-smtp';
import { exemptionListWorkflow, type ExemptionListResult } from '../workflows/exemption-list.workflow';
import { aContract } from './helpers/contracts';
import { AGENT, TIER3 } from './helpers/drive';
import { eventually } from './helpers/eventually';
import { settingsWithCalendar, syntheticCalendar } from './helpers/test-calendar';
import { createHarness, generateKeyring, startDevServer, stopServer, type TestHarness } from './helpers/temporal-env';
import { xlsxRows } from './helpers/xlsx';

const TZ = 'Asia/Shanghai';
const FROM = '"回访系统" <huifang@example.com>';
const run = `${process.pid}${Date.now() % 100000}`;

let env: TestWorkflowEnvironment;
let smtp: LocalSmtp;
let mailer: SmtpNotifier;
/** The list's day is a working day for this one... */
let h: TestHarness;
/** ...and a public holiday for this one. */
let onHoliday: TestHarness;
/** The server's date when the file started (read once). */
let today: string;
/** The day the Schedule's runs are backfilled for: past, so its list is mailed after 08:30 (late). */
let listDay: string;
/** A day well ahead: its list, run by hand now, goes out before its 08:30 deadline. */
let earlyDay: string;
let calendar: WorkingDayCalendar;

const weekend = (d: string) => dayOfWeek(d) === 0 || dayOfWeek(d) === 6;

beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startDevServer(keyring);
  today = localDateOf(new Date(await env.currentTimeMs()), TZ);
  // Three days back: its window and its "accepted on the day" rows stay clear of the end-to-end
  // test's list (the next working day after today). 20 days ahead: clear of both.
  listDay = addCalendarDays(today, -3);
  earlyDay = addCalendarDays(today, 20);
  smtp = await startLocalSmtp({ port: 0, host: '127.0.0.1' });
  // Calendars from the year of a date well before the list's day, so the previous working day always has data.
  const yearsFrom = addCalendarDays(listDay, -40);
  // The list's day and the early day are working days; today too, for the end-to-end callback.
  calendar = syntheticCalendar(yearsFrom, { makeupWorkdays: [listDay, today, earlyDay].filter(weekend) });
  const holidayCalendar = syntheticCalendar(yearsFrom, weekend(listDay) ? {} : { holidays: [listDay] });
  const base = settingsWithCalendar(calendar);
  mailer = new SmtpNotifier({ host: '127.0.0.1', port: smtp.port, from: FROM }, base.directory);
  h = await createHarness(env, keyring, { settings: base, mailer });
  onHoliday = await createHarness(env, keyring, { settings: settingsWithCalendar(holidayCalendar), mailer });
});
afterAll(async () => {
  mailer?.close();
  await smtp?.stop();
  await stopServer(env);
});

const addresses = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => v.address));

/** The previous working day of `date` on the working harness's calendar. */
function previousWorkingDay(date: string): string {
  let d = addCalendarDays(date, -1);
  while (!calendar.isWorkingDay(d)) d = addCalendarDays(d, -1);
  return d;
}

let seq = 0;
/** A projection row as the callback workflow writes it once its waiver was decided at `decidedAt`. */
async function waived(harness: TestHarness, centralSubBranch: string, decidedAt: Date, accepted = true): Promise<CallbackRecord> {
  const policyNo = `P${run}${++seq}`;
  const statementRef = `statements/${policyNo}/waiver.pdf`;
  await harness.documents.save(statementRef, Buffer.from(`%PDF-1.4 signed waiver of ${policyNo}\n`));
  const record: CallbackRecord = {
    policyNo,
    channel: 'agency',
    productType: 'traditional',
    regionCode: '310115',
    branch: 'SH',
    centralSubBranch,
    tier4Office: `${centralSubBranch}-03`,
    agentCode: 'A10086',
    receiptSignedOn: addCalendarDays(localDateOf(decidedAt, TZ), -5),
    startedAt: new Date(decidedAt.getTime() - 3_600_000).toISOString(),
    required: true,
    decisionReason: 'R1',
    stage: accepted ? 'WAIVED' : 'AWAITING_CALL',
    attemptsMade: 0,
    ticketIds: [],
    waiver: {
      statementRef,
      reportedBy: AGENT,
      reportedAt: new Date(decidedAt.getTime() - 600_000).toISOString(),
      decision: { accepted, by: TIER3, at: decidedAt.toISOString(), reason: accepted ? undefined : '非本人签名' },
    },
    closedAt: accepted ? decidedAt.toISOString() : undefined,
    revision: 2,
    updatedAt: decidedAt.toISOString(),
  };
  await harness.evidence.putCallback(record);
  return record;
}

/**
 * Has the Schedule make its run of `date`'s 08:00 now, as it does when catching up after an outage
 * (a backfill: the run's scheduled time is `date` 08:00, whatever the time now), and answers the
 * run's result.
 */
async function backfillAndWait(harness: TestHarness, scheduleId: string, date: string): Promise<ExemptionListResult> {
  const schedule = harness.huifang.temporal.schedule.getHandle(scheduleId);
  const scheduledAt = instantAt(date, harness.settings.exemptionList.runAt, TZ);
  await schedule.backfill({ start: new Date(scheduledAt.getTime() - 60_000), end: new Date(scheduledAt.getTime() + 60_000), overlap: ScheduleOverlapPolicy.ALLOW_ALL });
  const started = await eventually(`schedule ${scheduleId} made no run for ${scheduledAt.toISOString()}`, async () =>
    (await schedule.describe()).info.recentActions.find((a) => a.scheduledAt.getTime() === scheduledAt.getTime()),
  );
  return harness.huifang.temporal.workflow.getHandle(started.action.workflow.workflowId).result();
}

/** Runs the Schedule's action by hand for `date` (what ops do to re-run a day). */
function runFor(harness: TestHarness, date: string): Promise<ExemptionListResult> {
  return harness.huifang.temporal.workflow.execute(exemptionListWorkflow, {
    args: [{ date }],
    taskQueue: harness.taskQueue,
    workflowId: `exemption-list-rerun-${run}-${date}-${++seq}`,
  });
}

test('the Schedule runs every day at 08:00 Asia/Shanghai; creating it again keeps one, in line with the configuration', async () => {
  const client = h.huifang.temporal;
  const scheduleId = `exemption-list-spec-${run}`;
  const options = { taskQueue: h.taskQueue, config: h.settings.exemptionList, scheduleId };
  expect(h.settings.exemptionList).toMatchObject({ runAt: '08:00', timeZone: TZ, dueBy: '08:30' });
  expect(await ensureExemptionListSchedule(client, options)).toBe('created');
  expect(await ensureExemptionListSchedule(client, options)).toBe('updated');
  const schedule = client.schedule.getHandle(scheduleId);
  try {
    // The server computes the next runs from its own clock, at some instant between these two readings.
    const before = await env.currentTimeMs();
    const described = await schedule.describe();
    const after = await env.currentTimeMs();
    expect(described.spec.timezone).toBe(TZ);
    expect(described.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 8, end: 8, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] })]);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'exemptionListWorkflow', taskQueue: h.taskQueue });
    expect(described.policies.overlap).toBe('SKIP');

    // The next runs: 08:00 on the wall clock in Shanghai (00:00 UTC), one a day, the first within a day.
    const next = described.info.nextActionTimes;
    expect(next.length).toBeGreaterThanOrEqual(3);
    for (const t of next) expect(localMinutesOf(t, TZ)).toBe(8 * 60);
    expect(next.map((t) => t.toISOString().slice(11))).toEqual(next.map(() => '00:00:00.000Z'));
    for (let i = 1; i < next.length; i++) expect(localDateOf(next[i], TZ)).toBe(addCalendarDays(localDateOf(next[i - 1], TZ), 1));
    expect(next[0].getTime()).toBeGreaterThan(before);
    expect(next[0].getTime()).toBeLessThanOrEqual(after + 86_400_000);
    expect(next[0].getTime()).toBe(instantAt(localDateOf(next[0], TZ), '08:00', TZ).getTime());

    // A changed time in the configuration takes effect at the next start.
    expect(await ensureExemptionListSchedule(client, { ...options, config: { ...h.settings.exemptionList, runAt: '07:45' } })).toBe('updated');
    const moved = await schedule.describe();
    expect(moved.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 7, end: 7, step: 1 }], minute: [{ start: 45, end: 45, step: 1 }] })]);
    expect(moved.info.nextActionTimes.length).toBeGreaterThanOrEqual(3);
    for (const t of moved.info.nextActionTimes) expect(localMinutesOf(t, TZ)).toBe(7 * 60 + 45);
  } finally {
    await schedule.delete();
  }
});

test("runs missed in an outage are made up within the configured catch-up window, overlapping runs skipped: the Schedule carries both, and start-up brings them back in line", async () => {
  const client = h.huifang.temporal;
  const scheduleId = `exemption-list-policies-${run}`;
  // The shipped configuration (config/exemption-list.json), which `npm start` hands to the Schedule.
  expect(h.settings.exemptionList.catchupWindowHours).toBe(12);
  const options = { taskQueue: h.taskQueue, config: h.settings.exemptionList, scheduleId };
  expect(await ensureExemptionListSchedule(client, options)).toBe('created');
  const schedule = client.schedule.getHandle(scheduleId);
  try {
    expect((await schedule.describe()).policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 12 * 3_600_000 });

    // Someone changes it by hand (`temporal schedule update`, or an older release): other overlap
    // and catch-up policies, and pauses it with a note.
    await schedule.update((previous) => ({ ...previous, policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: '1 hour', pauseOnFailure: true } }));
    await schedule.pause('mail server migration');
    expect((await schedule.describe()).policies).toMatchObject({ overlap: 'ALLOW_ALL', catchupWindow: 3_600_000 });

    // The next start, with a catch-up window of 3 hours configured: the policies follow the
    // configuration; what it does not say (the pause and its note, pause-on-failure) is left as it was.
    expect(await ensureExemptionListSchedule(client, { ...options, config: { ...h.settings.exemptionList, catchupWindowHours: 3 } })).toBe('updated');
    const described = await schedule.describe();
    expect(described.policies).toEqual({ overlap: 'SKIP', catchupWindow: 3 * 3_600_000, pauseOnFailure: true });
    expect(described.state).toMatchObject({ paused: true, note: 'mail server migration' });
  } finally {
    await schedule.delete();
  }
});

test("on a working day: each central sub-branch's accepted waivers since the previous working day, mailed once to the branch call center with the statements; late after 08:30", async () => {
  const day = listDay;
  const previous = previousWorkingDay(day);
  const at = (date: string, time: string) => instantAt(date, time, TZ);
  // In the day's list: accepted from the start of the previous working day until midnight.
  const pd1 = await waived(h, 'SH-PD', at(previous, '10:00'));
  const pd2 = await waived(h, 'SH-PD', at(addCalendarDays(day, -1), '23:30'));
  const jd1 = await waived(h, 'SH-JD', at(previous, '00:05'));
  // Not in it: rejected; accepted on the day itself (the next day's list); accepted before the previous working day (its own list).
  await waived(h, 'SH-PD', at(previous, '11:00'), false);
  await waived(h, 'SH-PD', at(day, '00:10'));
  await waived(h, 'SH-PD', at(addCalendarDays(previous, -1), '18:00'));

  const scheduleId = `exemption-list-${run}`;
  await ensureExemptionListSchedule(h.huifang.temporal, { taskQueue: h.taskQueue, config: h.settings.exemptionList, scheduleId });
  try {
    await h.withWorker(async () => {
      // The Schedule's run for the day's 08:00, made now (days later): it lists its own day, and says it is late.
      const result = await backfillAndWait(h, scheduleId, day);
      expect(result).toMatchObject({ date: day, workingDay: true, window: { from: previous, to: addCalendarDays(day, -1) } });
      expect(result.lists.map((l) => [l.centralSubBranch, l.policyNos, l.alreadySent, l.late])).toEqual([
        ['SH-JD', [jd1.policyNo], false, true],
        ['SH-PD', [pd1.policyNo, pd2.policyNo], false, true],
      ]);

      const mail = await smtp.waitFor((m) => m.subject === `免回访清单 ${day} SH-PD（2 件）`);
      expect(addresses(mail.to)).toEqual(['callcenter@sh.example.com']);
      expect(addresses(mail.cc)).toEqual(['wenti@shpd.example.com']);
      expect(mail.messageId).toBe(`<exemption-list.SH-PD.${day}@huifang.invalid>`);
      expect(mail.text).toContain(`1. ${pd1.policyNo}　四级机构 SH-PD-03　业务员 A10086`);
      expect(mail.text).toContain(`2. ${pd2.policyNo}`);
      expect(mail.text).toContain('回访放弃声明扫描件 2 份');
      expect(mail.text).toContain(`本清单迟于 ${day} 08:30 发出。`);
      expect(mail.attachments.map((a) => a.filename)).toEqual([`免回访清单-SH-PD-${day}.xlsx`, `${pd1.policyNo}-waiver.pdf`, `${pd2.policyNo}-waiver.pdf`]);
      expect(mail.attachments[1].content.equals(await h.documents.read(pd1.waiver!.statementRef))).toBe(true);
      expect(mail.attachments[2].content.equals(await h.documents.read(pd2.waiver!.statementRef))).toBe(true);
      const rows = await xlsxRows(mail.attachments[0].content);
      expect(rows[0][0]).toBe(`《免回访清单》　中心支公司：SH-PD　日期：${day}　审核通过：${previous} 至 ${addCalendarDays(day, -1)}　共 2 件`);
      expect(rows.slice(2).map((r) => [r[0], r[1], r[2], r[4], r[6], r[8]])).toEqual([
        ['1', pd1.policyNo, 'SH-PD-03', 'agent A10086', 'T3-LI', `${pd1.policyNo}-waiver.pdf`],
        ['2', pd2.policyNo, 'SH-PD-03', 'agent A10086', 'T3-LI', `${pd2.policyNo}-waiver.pdf`],
      ]);
      const jd = await smtp.waitFor((m) => m.subject === `免回访清单 ${day} SH-JD（1 件）`);
      expect(addresses(jd.to)).toEqual(['callcenter@sh.example.com']);
      expect(jd.cc).toBeUndefined(); // no tier-3 address listed for SH-JD
      expect(jd.attachments.map((a) => a.filename)).toEqual([`免回访清单-SH-JD-${day}.xlsx`, `${jd1.policyNo}-waiver.pdf`]);
      expect(ofDay(smtp.messages, day)).toHaveLength(2);

      // Run again for the same day (a retry, a re-run by hand): nothing is mailed twice. No wait is
      // needed before counting: the local SMTP server keeps a message before it answers 250, and
      // the run's sends awaited that answer, so a second mail would be in the list already.
      const total = smtp.messages.length;
      const again = await runFor(h, day);
      expect(smtp.messages.length).toBe(total);
      expect(ofDay(smtp.messages, day)).toHaveLength(2);
      expect(again.lists.map((l) => [l.centralSubBranch, l.alreadySent, l.messageId])).toEqual(result.lists.map((l) => [l.centralSubBranch, true, l.messageId]));
    });
  } finally {
    await h.huifang.temporal.schedule.getHandle(scheduleId).delete();
  }
});

test('a list mailed before 08:30 of its day says nothing about being late', async () => {
  // A day well ahead, run by hand now: its deadline has not come yet, whatever the hour.
  const day = earlyDay;
  const accepted = await waived(h, 'SH-PD', instantAt(addCalendarDays(day, -1), '09:00', TZ));
  const result = await h.withWorker(() => runFor(h, day));
  expect(result).toMatchObject({ date: day, workingDay: true, window: { to: addCalendarDays(day, -1) } });
  expect(result.lists.map((l) => [l.centralSubBranch, l.policyNos, l.alreadySent, l.late])).toEqual([['SH-PD', [accepted.policyNo], false, false]]);
  const mail = await smtp.waitFor((m) => m.subject === `免回访清单 ${day} SH-PD（1 件）`);
  expect(mail.text).toContain(`1. ${accepted.policyNo}　四级机构 SH-PD-03`);
  expect(mail.text).not.toContain('迟于');
});

test('on a public holiday the Schedule runs and sends nothing; the list goes out on the next working day', async () => {
  const day = listDay;
  const accepted = await waived(onHoliday, 'SH-PD', instantAt(addCalendarDays(day, -1), '15:00', TZ));
  const scheduleId = `exemption-list-holiday-${run}`;
  await ensureExemptionListSchedule(onHoliday.huifang.temporal, { taskQueue: onHoliday.taskQueue, config: onHoliday.settings.exemptionList, scheduleId });
  const before = smtp.messages.length;
  try {
    await onHoliday.withWorker(async () => {
      const result = await backfillAndWait(onHoliday, scheduleId, day);
      expect(result).toEqual({ date: day, workingDay: false, reason: expect.stringMatching(weekend(day) ? /is not a working day/ : /is a public holiday \(测试假日\)/), lists: [] });
      // The run sent nothing (its sends would have been answered before it ended).
      expect(smtp.messages.length).toBe(before);
      // The waiver accepted the day before is in the next working day's list instead.
      let next = addCalendarDays(day, 1);
      while (!onHoliday.settings.calendar.isWorkingDay(next)) next = addCalendarDays(next, 1);
      const later = await runFor(onHoliday, next);
      expect(later).toMatchObject({ date: next, workingDay: true, window: { to: addCalendarDays(next, -1) } });
      expect(later.window!.from <= addCalendarDays(day, -1)).toBe(true);
      expect(later.lists.flatMap((l) => l.policyNos)).toContain(accepted.policyNo);
    });
    await smtp.waitFor((m) => m.subject?.includes('SH-PD') === true && m.attachments.some((a) => a.filename === `${accepted.policyNo}-waiver.pdf`));
    expect(smtp.messages.length).toBe(before + 1);
  } finally {
    await onHoliday.huifang.temporal.schedule.getHandle(scheduleId).delete();
  }
});

test('end to end: a waiver accepted through the callback workflow is in the next working day’s list', async () => {
  const contract = aContract({ policyNo: `P${run}E2E`, issuedOn: addCalendarDays(today, -4), receiptSignedOn: addCalendarDays(today, -1) });
  const statementRef = `statements/${contract.policyNo}/waiver.pdf`;
  await h.documents.save(statementRef, Buffer.from('%PDF-1.4 signed by hand\n'));
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await eventually('the callback never left ASSESSING', async () => ((await h.huifang.getCallbackState(contract.policyNo)).stage !== 'ASSESSING' ? true : undefined));
    await h.huifang.reportWaiver(contract.policyNo, { statementRef, actor: AGENT });
    expect((await h.huifang.decideWaiver(contract.policyNo, { accepted: true, actor: TIER3 })).stage).toBe('WAIVED');
    await h.huifang.handle(contract.policyNo).result();
    const record = await h.evidence.getCallback(contract.policyNo);
    expect(record).toMatchObject({ stage: 'WAIVED', waiver: { decision: { accepted: true } } });

    // The day it was accepted on, as the server's clock had it (not necessarily the file's "today").
    const decidedOn = localDateOf(new Date(record!.waiver!.decision!.at), TZ);
    const next = calendar.nextWorkingDay(decidedOn);
    const result = await runFor(h, next);
    const list = result.lists.find((l) => l.centralSubBranch === 'SH-PD');
    expect(list?.policyNos).toContain(contract.policyNo);
    // (The holiday test's worker may have mailed its own SH-PD list for that day too: look for ours.)
    const mail = await smtp.waitFor((m) => m.subject?.startsWith(`免回访清单 ${next} SH-PD`) === true && m.attachments.some((a) => a.filename === `${contract.policyNo}-waiver.pdf`));
    expect(mail.text).toContain(contract.policyNo);
    // No personal data in the list or the mail: the name stays on the signed statement.
    expect(JSON.stringify(mail.text)).not.toContain(contract.policyholder.name);
    expect(mail.text).not.toContain(contract.policyholder.phone!);
  });
});

function ofDay(messages: ParsedMail[], date: string): ParsedMail[] {
  return messages.filter((m) => m.subject?.startsWith(`免回访清单 ${date} `));
}
