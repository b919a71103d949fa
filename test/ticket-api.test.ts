/**
 * The ticket API on the dev server (real visibility): lists by office, type and stage, the step
 * endpoint with its rejections, and the two documents a tier-3 handler downloads.
 */
import ExcelJS from 'exceljs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { localDateOf } from '../domain/local-time';
import type { TicketInput } from '../domain/ticket';
import type { TicketType } from '../domain/transfer-reasons';
import type { TestApiUsers, TestUsername } from './helpers/api-users';
import { startTicket as startTicketOf } from './helpers/drive';
import { startApiHarness, type ApiHarness } from './helpers/api-harness';
import type { TestHarness } from './helpers/temporal-env';

let harness: ApiHarness;
let env: TestWorkflowEnvironment;
let h: TestHarness;
let api: FastifyInstance;
let users: TestApiUsers;
const run = `${process.pid}${Date.now() % 100000}`;

beforeAll(async () => {
  harness = await startApiHarness();
  ({ env, h, users, api } = harness);
});
afterAll(async () => {
  await harness?.close();
});

function aTicket(n: number, type: TicketType, centralSubBranch: string): TicketInput {
  return {
    ticketId: `P${run}${n}-T1`,
    policyNo: `P${run}${n}`,
    type,
    reasons: type === 'level-1' ? ['agent-misconduct'] : ['contract-not-received'],
    org: { branch: 'SH', centralSubBranch, tier4Office: `${centralSubBranch}-03` },
    agentCode: 'A10086',
    finding: 'attempt 1: completed',
  };
}

const start = (t: TicketInput) => startTicketOf(h, t);
const get = (url: string, as: TestUsername = 'ops') => api.inject({ method: 'GET', url, headers: users.headers(as) });

/** Visibility is eventually consistent: ask until the expected tickets show up. */
async function listUntil(query: string, expectedIds: string[]) {
  let body: { tickets: { ticketId: string }[] } = { tickets: [] };
  for (let i = 0; i < 40; i++) {
    const res = await get(`/v1/tickets?${query}`);
    expect(res.statusCode).toBe(200);
    body = res.json();
    const ids = body.tickets.map((t) => t.ticketId).filter((id) => id.startsWith(`P${run}`)).sort();
    if (JSON.stringify(ids) === JSON.stringify([...expectedIds].sort())) return body;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`tickets for ${query}: ${JSON.stringify(body.tickets.map((t) => t.ticketId))}, expected ${expectedIds}`);
}

test('tickets are listed by office, type and stage, and move through the step endpoint; wrong steps get 409 and bad bodies 400', async () => {
  const shpd1 = aTicket(1, 'level-1', 'SH-PD');
  const shpd2 = aTicket(2, 'level-2', 'SH-PD');
  const shjd = aTicket(3, 'level-1', 'SH-JD');
  await h.withWorker(async () => {
    for (const t of [shpd1, shpd2, shjd]) await start(t);
    await listUntil('centralSubBranch=SH-PD', [shpd1.ticketId, shpd2.ticketId]);
    await listUntil('centralSubBranch=SH-PD&type=level-1', [shpd1.ticketId]);

    const post = (ticketId: string, as: TestUsername, body: unknown) =>
      api.inject({ method: 'POST', url: `/v1/tickets/${ticketId}/steps`, headers: users.headers(as), payload: body as object });
    // The tier-4 office of the ticket may not take the tier-3 handler's step: the workflow turns it down.
    const wrongRole = await post(shpd1.ticketId, 't4-shpd03', { step: 'dispatch' });
    expect(wrongRole.statusCode).toBe(409);
    expect(wrongRole.json().message).toMatch(/'dispatch' is taken by tier3, not tier4/);
    const badActor = await post(shpd1.ticketId, 't3-shpd', { step: 'dispatch', actor: 'T3-LI' });
    expect(badActor.statusCode).toBe(400);
    expect(badActor.json().fields.map((f: { field: string }) => f.field)).toContain('actor');

    // The actor comes from the token: the tier-3 handler of SH-PD.
    const dispatched = await post(shpd1.ticketId, 't3-shpd', { step: 'dispatch' });
    expect(dispatched.statusCode).toBe(200);
    expect(dispatched.json()).toMatchObject({ stage: 'DISPATCHED', dueAt: expect.any(String) });
    await listUntil('centralSubBranch=SH-PD&stage=DISPATCHED', [shpd1.ticketId]);
    await listUntil('centralSubBranch=SH-PD&overdue=false&stage=AWAITING_DISPATCH', [shpd2.ticketId]);

    const state = await get(`/v1/tickets/${shpd1.ticketId}`);
    expect(state.json().steps).toEqual([expect.objectContaining({ step: 'dispatch', actor: { role: 'tier3', id: 'T3-LI', office: 'SH-PD' } })]);
    expect((await get('/v1/tickets/P000000-T9')).statusCode).toBe(404);
    const badFilter = await get('/v1/tickets?overdue=maybe');
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.json().fields[0].field).toBe('overdue');
  });
});

test('the printable order and the day register download, in Chinese, with the ticket on them', async () => {
  const t = aTicket(4, 'level-2', 'SH-PD');
  await h.withWorker(async () => {
    await start(t);
    const dispatched = await h.huifang.advanceTicket(t.ticketId, { step: 'dispatch', actor: { role: 'tier3', id: 'T3-LI', office: 'SH-PD' } });

    const order = await get(`/v1/tickets/${t.ticketId}/order.html`, 't3-shpd');
    expect(order.statusCode).toBe(200);
    expect(order.headers['content-type']).toMatch(/text\/html/);
    expect(order.body).toContain('转办单');
    expect(order.body).toContain(t.ticketId);
    expect(order.body).toContain('二级转办');

    // The register of the day the ticket was dispatched (its own clock, not the wall clock's date).
    const today = localDateOf(new Date(dispatched.steps[0].at));
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      const res = await get(`/v1/registers/SH-PD/${today}.xlsx`, 't3-shpd');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toContain(`transfer-register-SH-PD-${today}.xlsx`);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const cells: string[] = [];
      book.worksheets[0].eachRow((row) => row.eachCell((c) => cells.push(String(c.value))));
      found = cells.includes(t.ticketId);
      if (!found) await new Promise((r) => setTimeout(r, 250));
    }
    expect(found).toBe(true);
    const bad = await get('/v1/registers/SH-PD/2026-13-01.xlsx', 't3-shpd');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields[0].field).toBe('date');
  });
});
