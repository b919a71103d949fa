/**
 * The ticket API on the dev server (real visibility): lists by office, type and stage, the step
 * endpoint with its rejections, and the two documents a tier-3 handler downloads.
 */
import ExcelJS from 'exceljs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { reasonLabelsOf } from '../activities/documents';
import { buildApi } from '../api/server';
import { localDateOf } from '../domain/local-time';
import type { TicketInput } from '../domain/ticket';
import type { TicketType } from '../domain/transfer-reasons';
import { startTicket as startTicketOf } from './helpers/drive';
import { createHarness, generateKeyring, startDevServer, type TestHarness } from './helpers/temporal-env';

let env: TestWorkflowEnvironment;
let h: TestHarness;
let api: FastifyInstance;
const run = `${process.pid}${Date.now() % 100000}`;

beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startDevServer(keyring);
  h = await createHarness(env, keyring);
  api = buildApi({ huifang: h.huifang, reasonLabels: reasonLabelsOf(h.settings.transferReasons) });
});
afterAll(async () => {
  await api?.close();
  await env?.teardown();
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

/** Visibility is eventually consistent: ask until the expected tickets show up. */
async function listUntil(query: string, expectedIds: string[]) {
  let body: { tickets: { ticketId: string }[] } = { tickets: [] };
  for (let i = 0; i < 40; i++) {
    const res = await api.inject({ method: 'GET', url: `/v1/tickets?${query}` });
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

    const post = (ticketId: string, body: unknown) => api.inject({ method: 'POST', url: `/v1/tickets/${ticketId}/steps`, payload: body as object });
    const wrongOffice = await post(shpd1.ticketId, { step: 'dispatch', actor: { role: 'tier3', id: 'T3-WANG', office: 'SH-JD' } });
    expect(wrongOffice.statusCode).toBe(409);
    expect(wrongOffice.json().error).toMatch(/not the central sub-branch/);
    const noActor = await post(shpd1.ticketId, { step: 'dispatch' });
    expect(noActor.statusCode).toBe(400);
    expect(noActor.json().fields.map((f: { field: string }) => f.field)).toContain('actor');

    const dispatched = await post(shpd1.ticketId, { step: 'dispatch', actor: { role: 'tier3', id: 'T3-LI', office: 'SH-PD' } });
    expect(dispatched.statusCode).toBe(200);
    expect(dispatched.json()).toMatchObject({ stage: 'DISPATCHED', dueAt: expect.any(String) });
    await listUntil('centralSubBranch=SH-PD&stage=DISPATCHED', [shpd1.ticketId]);
    await listUntil('centralSubBranch=SH-PD&overdue=false&stage=AWAITING_DISPATCH', [shpd2.ticketId]);

    const state = await api.inject({ method: 'GET', url: `/v1/tickets/${shpd1.ticketId}` });
    expect(state.json().steps).toEqual([expect.objectContaining({ step: 'dispatch', actor: expect.objectContaining({ id: 'T3-LI' }) })]);
    expect((await api.inject({ method: 'GET', url: '/v1/tickets/P000000-T9' })).statusCode).toBe(404);
    const badFilter = await api.inject({ method: 'GET', url: '/v1/tickets?overdue=maybe' });
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.json().fields[0].field).toBe('overdue');
  });
});

test('the printable order and the day register download, in Chinese, with the ticket on them', async () => {
  const t = aTicket(4, 'level-2', 'SH-PD');
  await h.withWorker(async () => {
    await start(t);
    await h.huifang.advanceTicket(t.ticketId, { step: 'dispatch', actor: { role: 'tier3', id: 'T3-LI', office: 'SH-PD' } });

    const order = await api.inject({ method: 'GET', url: `/v1/tickets/${t.ticketId}/order.html` });
    expect(order.statusCode).toBe(200);
    expect(order.headers['content-type']).toMatch(/text\/html/);
    expect(order.body).toContain('转办单');
    expect(order.body).toContain(t.ticketId);
    expect(order.body).toContain('二级转办');

    const today = localDateOf(new Date());
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      const res = await api.inject({ method: 'GET', url: `/v1/registers/SH-PD/${today}.xlsx` });
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
    const bad = await api.inject({ method: 'GET', url: '/v1/registers/SH-PD/2026-13-01.xlsx' });
    expect(bad.statusCode).toBe(400);
  });
});
