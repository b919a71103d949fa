/**
 * The transfer register (.xlsx), the printable transfer order (HTML) and where they are written: read
 * back the way a tier-3 handler would check them, with no phone number anywhere.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workbook, type Worksheet } from 'exceljs';
import { ApplicationFailure } from '@temporalio/common';
import transferReasons from '../config/transfer-reasons.json';
import { LocalFolderDocumentStore } from '../stores/document-store';
import { REGISTER_COLUMNS, buildTransferRegister } from '../documents/transfer-register';
import { createDocumentActivities } from '../activities/document-files';
import { findingText, reasonLabelsOf, redactPhones } from '../documents/format';
import { renderTransferOrderHtml } from '../documents/transfer-order-html';
import { readZipEntries } from '../documents/zip';
import type { Actor, RecordedStep, TicketState, TicketStepName } from '../domain/ticket';
import { transferReasonsConfigSchema } from '../domain/transfer-reasons';

const labels = reasonLabelsOf(transferReasonsConfigSchema.parse(transferReasons));
const DAY = '2026-11-24';
const CORRECTED_PHONE = '13912345678';
const PHONE_IN_TEXT = '13700001111';

const org = { branch: 'SH', centralSubBranch: 'SH-PD', tier4Office: 'SH-PD-03' };
const tier3: Actor = { role: 'tier3', id: 'T3-LI', office: 'SH-PD' };
const tier4: Actor = { role: 'tier4', id: 'T4-ZHAO', office: 'SH-PD-03' };
const agent: Actor = { role: 'agent', id: 'A10086' };
const actorOf: Record<TicketStepName, Actor> = {
  dispatch: tier3,
  'hand-to-agent': tier4,
  'sign-receipt': agent,
  reply: agent,
  collect: tier4,
  archive: tier3,
};

/** Shanghai wall clock → ISO instant (UTC+8, no daylight saving). */
function sh(local: string): string {
  return new Date(`${local.replace(' ', 'T')}:00+08:00`).toISOString();
}

function step(name: TicketStepName, local: string, extra: Partial<RecordedStep> = {}): RecordedStep {
  return { step: name, actor: actorOf[name], at: sh(local), late: false, ...extra };
}

function aTicket(overrides: Partial<TicketState> & Pick<TicketState, 'ticketId'>): TicketState {
  return {
    policyNo: `P${overrides.ticketId.replace(/\D/g, '').padStart(14, '0')}`,
    type: 'level-1',
    reasons: ['not-signed-by-policyholder'],
    org,
    agentCode: 'A10086',
    finding: '第3题回答：投保单非本人签名',
    stage: 'DISPATCHED',
    createdAt: sh(`${DAY} 08:00`),
    steps: [],
    reminded: false,
    overdue: false,
    reminders: [],
    escalations: [],
    ...overrides,
  };
}

// Level-1, replied in time.
const level1 = aTicket({
  ticketId: 'TK-20261124-0001',
  type: 'level-1',
  reasons: ['not-signed-by-policyholder', 'agent-misconduct'],
  stage: 'CLOSED',
  createdAt: sh(`${DAY} 09:20`),
  steps: [
    step('dispatch', `${DAY} 09:30`),
    step('hand-to-agent', `${DAY} 10:15`),
    step('sign-receipt', `${DAY} 14:05`),
    step('reply', '2026-11-25 16:40'),
  ],
  dueAt: sh('2026-11-26 23:59'),
  reply: { actionTaken: '已上门核实，客户确认本人签名', at: sh('2026-11-25 16:40'), late: false },
  closedAt: sh('2026-11-25 16:40'),
});

// Failed callback, the corrected number came late.
const failed = aTicket({
  ticketId: 'TK-20261124-0002',
  type: 'failed-callback',
  reasons: ['wrong-number'],
  finding: '第1-3次拨打：电话号码错误',
  stage: 'CLOSED',
  createdAt: sh(`${DAY} 08:40`),
  steps: [
    step('dispatch', `${DAY} 09:00`),
    step('hand-to-agent', `${DAY} 09:45`),
    step('reply', '2026-11-27 10:00', { late: true, note: `客户新号码 ${CORRECTED_PHONE}` }),
  ],
  overdue: true,
  escalations: [{ to: 'tier3', code: 'SH-PD', at: sh('2026-11-27 00:00'), about: 'reply' }],
  reply: { correctedPhone: CORRECTED_PHONE, at: sh('2026-11-27 10:00'), late: true },
  closedAt: sh('2026-11-27 10:00'),
});

// Level-2, archived; the agent wrote a number into what was done.
const level2 = aTicket({
  ticketId: 'TK-20261124-0003',
  type: 'level-2',
  reasons: ['contract-not-received', 'coverage-unclear'],
  finding: '客户表示未收到合同，对保险责任不清楚',
  stage: 'CLOSED',
  createdAt: sh(`${DAY} 08:30`),
  steps: [
    step('dispatch', `${DAY} 08:50`),
    step('hand-to-agent', `${DAY} 09:10`),
    step('sign-receipt', `${DAY} 09:40`),
    step('reply', '2026-11-25 11:00'),
    step('collect', '2026-11-26 09:00'),
    step('archive', '2026-11-26 15:30'),
  ],
  reply: { actionTaken: `已联系客户（${PHONE_IN_TEXT}）补寄合同并讲解保险责任`, at: sh('2026-11-25 11:00'), late: false },
  closedAt: sh('2026-11-26 15:30'),
});

// Created late on the 23rd (Shanghai), dispatched just after midnight on the 24th.
const afterMidnight = aTicket({
  ticketId: 'TK-20261123-0099',
  createdAt: sh('2026-11-23 23:30'),
  steps: [step('dispatch', `${DAY} 00:10`)],
});

// Created on the 24th, not dispatched yet.
const awaiting = aTicket({ ticketId: 'TK-20261124-0004', stage: 'AWAITING_DISPATCH', createdAt: sh(`${DAY} 10:00`) });

// Not in the register of SH-PD on the 24th.
const otherSubBranch = aTicket({
  ticketId: 'TK-20261124-0900',
  org: { branch: 'SH', centralSubBranch: 'SH-MH', tier4Office: 'SH-MH-01' },
  steps: [step('dispatch', `${DAY} 09:00`)],
});
const dayBefore = aTicket({ ticketId: 'TK-20261123-0001', createdAt: sh('2026-11-23 09:00'), steps: [step('dispatch', '2026-11-23 09:30')] });
// 00:30 on the 25th in Shanghai is still the 24th in UTC.
const nextDayLocal = aTicket({ ticketId: 'TK-20261125-0001', createdAt: sh('2026-11-25 00:30') });

const allTickets = [level1, failed, level2, afterMidnight, awaiting, otherSubBranch, dayBefore, nextDayLocal];

async function loadSheet(xlsx: Buffer): Promise<{ workbook: Workbook; sheet: Worksheet }> {
  const workbook = new Workbook();
  await workbook.xlsx.load(xlsx as never);
  const sheet = workbook.worksheets[0];
  return { workbook, sheet };
}

function text(sheet: Worksheet, row: number, col: number): string {
  const v = sheet.getRow(row).getCell(col).value;
  return v === null || v === undefined ? '' : String(v);
}

/** Data rows (after title and header) as header → text. */
function dataRows(sheet: Worksheet): Record<string, string>[] {
  const headers = REGISTER_COLUMNS.map((c) => c.header);
  const rows: Record<string, string>[] = [];
  for (let r = 3; r <= sheet.rowCount; r++) {
    rows.push(Object.fromEntries(headers.map((h, i) => [h, text(sheet, r, i + 1)])));
  }
  return rows;
}

describe('transfer register 《业务人员转办单明细簿》', () => {
  let xlsx: Buffer;
  beforeAll(async () => {
    xlsx = await buildTransferRegister(allTickets, { centralSubBranch: 'SH-PD', date: DAY, labels });
  });

  it('has a title with the sub-branch and the date, and the header row', async () => {
    const { sheet } = await loadSheet(xlsx);
    expect(text(sheet, 1, 1)).toContain('业务人员转办单明细簿');
    expect(text(sheet, 1, 1)).toContain('SH-PD');
    expect(text(sheet, 1, 1)).toContain(DAY);
    expect(REGISTER_COLUMNS.map((_, i) => text(sheet, 2, i + 1))).toEqual([
      '序号',
      '转办单号',
      '保单号',
      '转办类型',
      '问题原因',
      '四级机构',
      '业务员代码',
      '派发时间',
      '交业务员时间',
      '业务员签收时间',
      '回复时间',
      '回复内容',
      '是否逾期',
      '归档时间',
    ]);
  });

  it("lists the sub-branch's tickets created or dispatched that day (Shanghai), in dispatch order", async () => {
    const { sheet } = await loadSheet(xlsx);
    const rows = dataRows(sheet);
    expect(rows.map((r) => r['转办单号'])).toEqual([
      'TK-20261123-0099', // dispatched 00:10
      'TK-20261124-0003', // 08:50
      'TK-20261124-0002', // 09:00
      'TK-20261124-0001', // 09:30
      'TK-20261124-0004', // created 10:00, not dispatched
    ]);
    expect(rows.map((r) => r['序号'])).toEqual(['1', '2', '3', '4', '5']);
    expect(rows.map((r) => r['转办类型'])).toEqual(['一级转办', '二级转办', '回访不成功', '一级转办', '一级转办']);
  });

  it('shows each ticket as the tier-3 handler checks it: reasons, office, times, signature, reply, overdue, archive', async () => {
    const { sheet } = await loadSheet(xlsx);
    const byId = Object.fromEntries(dataRows(sheet).map((r) => [r['转办单号'], r]));

    expect(byId['TK-20261124-0001']).toMatchObject({
      保单号: level1.policyNo,
      问题原因: '非本人签名、代理人违规',
      四级机构: 'SH-PD-03',
      业务员代码: 'A10086',
      派发时间: '2026-11-24 09:30',
      交业务员时间: '2026-11-24 10:15',
      业务员签收时间: '2026-11-24 14:05',
      回复时间: '2026-11-25 16:40',
      回复内容: '已上门核实，客户确认本人签名',
      是否逾期: '否',
      归档时间: '',
    });
    expect(byId['TK-20261124-0002']).toMatchObject({
      问题原因: '电话号码错误',
      业务员签收时间: '无需签收', // the failed-callback flow has no register signature
      回复时间: '2026-11-27 10:00',
      回复内容: '更正电话已提供',
      是否逾期: '是',
    });
    expect(byId['TK-20261124-0003']).toMatchObject({
      问题原因: '未收到合同、责任不清',
      业务员签收时间: '2026-11-24 09:40',
      回复内容: '已联系客户（137****1111）补寄合同并讲解保险责任',
      是否逾期: '否',
      归档时间: '2026-11-26 15:30',
    });
    expect(byId['TK-20261123-0099']).toMatchObject({ 派发时间: '2026-11-24 00:10', 业务员签收时间: '', 回复时间: '', 回复内容: '', 是否逾期: '否' });
    expect(byId['TK-20261124-0004']).toMatchObject({ 派发时间: '', 交业务员时间: '' });
  });

  it('has a styled, frozen header and sized columns', async () => {
    const { sheet } = await loadSheet(xlsx);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(sheet.getRow(2).getCell(1).font?.bold).toBe(true);
    expect(sheet.getRow(2).getCell(1).fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
    expect(sheet.getColumn(2).width).toBeGreaterThanOrEqual(16);
    expect(sheet.getColumn(12).width).toBeGreaterThan(sheet.getColumn(1).width!);
    // The overdue flag stands out.
    const failedRow = dataRows(sheet).findIndex((r) => r['转办单号'] === 'TK-20261124-0002') + 3;
    expect(sheet.getRow(failedRow).getCell(13).font?.bold).toBe(true);
  });

  it('carries no phone number anywhere in the workbook, though a reply gave a corrected number', async () => {
    const { sheet } = await loadSheet(xlsx);
    sheet.eachRow({ includeEmpty: true }, (row) =>
      row.eachCell({ includeEmpty: true }, (cell) => {
        expect(String(cell.value ?? '')).not.toContain(CORRECTED_PHONE);
      }),
    );
    const entries = readZipEntries(xlsx);
    expect(entries.has('xl/worksheets/sheet1.xml')).toBe(true);
    for (const [name, content] of entries) {
      const xml = content.toString('utf8');
      for (const phone of [CORRECTED_PHONE, PHONE_IN_TEXT]) {
        expect({ name, leaks: xml.includes(phone) }).toEqual({ name, leaks: false });
      }
    }
  });

  it('is the same bytes for the same input, whatever the clock says; workbook dates come from the day', async () => {
    jest.useFakeTimers({
      doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
    });
    try {
      jest.setSystemTime(new Date('2027-03-01T02:03:04Z'));
      const first = await buildTransferRegister(allTickets, { centralSubBranch: 'SH-PD', date: DAY, labels });
      jest.setSystemTime(new Date('2030-07-15T18:19:21Z'));
      const second = await buildTransferRegister(allTickets, { centralSubBranch: 'SH-PD', date: DAY, labels });
      expect(first.equals(second)).toBe(true);
      expect(first.equals(xlsx)).toBe(true);
    } finally {
      jest.useRealTimers();
    }
    const { workbook } = await loadSheet(xlsx);
    expect(workbook.created.toISOString()).toBe('2026-11-23T16:00:00.000Z');
    expect(workbook.modified.toISOString()).toBe('2026-11-23T16:00:00.000Z');
  });

  it('is a title and a header only on a day without tickets', async () => {
    const { sheet } = await loadSheet(await buildTransferRegister(allTickets, { centralSubBranch: 'SH-PD', date: '2026-11-28', labels }));
    expect(sheet.rowCount).toBe(2);
    expect(text(sheet, 1, 1)).toContain('2026-11-28');
  });
});

describe('printable transfer order 转办单', () => {
  it("carries the order's fields, the times and the signature lines, for A4, self-contained", () => {
    const html = renderTransferOrderHtml(level2, { labels, policyholderMasked: '张*' });
    for (const expected of [
      '转办单号',
      'TK-20261124-0003',
      level2.policyNo,
      '二级转办',
      '未收到合同、责任不清',
      '客户表示未收到合同，对保险责任不清楚',
      'SH-PD-03',
      '>SH-PD<',
      '>SH<',
      'A10086',
      '张*',
      '2026-11-24 08:50', // dispatch
      '2026-11-24 09:40', // sign-receipt
      '2026-11-25 11:00', // reply
      '处理情况',
      '补寄合同并讲解保险责任',
      '业务员签名',
      '四级机构经办人',
      '三级机构问题件处理人员',
      '日期',
      '@page',
      'size: A4',
    ]) {
      expect(html).toContain(expected);
    }
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('lang="zh-CN"');
    expect(html).not.toMatch(/<link|<script|<img|src=|url\(|https?:/i);
  });

  it('leaves empty lines to write on when the agent has not replied yet', () => {
    const html = renderTransferOrderHtml(afterMidnight, { labels });
    expect(html.match(/class="line"/g)?.length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('一级转办');
    expect(html).not.toContain('投保人');
  });

  it('escapes every value: a <script> in a note is printed, never run', () => {
    const ticket = aTicket({
      ticketId: 'TK-20261124-0005',
      finding: 'finding with <b>tags</b> & "quotes"',
      steps: [step('dispatch', `${DAY} 09:00`, { note: '<script>alert("x")</script>' })],
    });
    const html = renderTransferOrderHtml(ticket, { labels, policyholderMasked: '<i>李*</i>' });
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('finding with &lt;b&gt;tags&lt;/b&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('&lt;i&gt;李*&lt;/i&gt;');
    expect(html).not.toContain('<b>tags');
  });

  it('prints no phone number: a corrected number shows as given, numbers in notes are masked', () => {
    const html = renderTransferOrderHtml(failed, { labels });
    expect(html).toContain('回访不成功');
    expect(html).toContain('更正电话已提供');
    expect(html).toContain('139****5678');
    expect(html).not.toContain(CORRECTED_PHONE);
    expect(html).toContain('<span class="late">是</span>'); // overdue
  });
});

describe('redactPhones', () => {
  it('masks mobiles and landlines in free text, leaves policy numbers and dates alone', () => {
    expect(redactPhones('新号码13912345678，备用 139 1234 5678')).toBe('新号码139****5678，备用 139****5678');
    expect(redactPhones('座机021-62345678')).toBe('座机021-****78');
    expect(redactPhones('保单P20261120000001，2026-11-24 回复')).toBe('保单P20261120000001，2026-11-24 回复');
  });
});

describe('document store and activities', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'huifang-docs-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('refuses paths that leave its folder', async () => {
    const store = new LocalFolderDocumentStore(root);
    await expect(store.save('../x', 'nope')).rejects.toThrow(/leaves the document folder/);
    await expect(store.save('orders/../../x', 'nope')).rejects.toThrow(/leaves the document folder/);
    await expect(store.save('/etc/x', 'nope')).rejects.toThrow(/leaves the document folder/);
    await expect(store.read('../x')).rejects.toThrow(/leaves the document folder/);
  });

  it('saves and reads back inside its folder, returning the absolute path', async () => {
    const store = new LocalFolderDocumentStore(root);
    const path = await store.save('orders/a.html', '<p>转办单</p>');
    expect(path).toBe(join(root, 'orders', 'a.html'));
    expect((await store.read('orders/a.html')).toString('utf8')).toBe('<p>转办单</p>');
    // Owner only, whatever the process's umask: the file 0600, the folders it made 0700.
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, 'orders'))).mode & 0o777).toBe(0o700);
  });

  it('writes the register and the order where ops expect them', async () => {
    const activities = createDocumentActivities({ store: new LocalFolderDocumentStore(root), labels });
    const register = await activities.writeTransferRegister({ centralSubBranch: 'SH-PD', date: DAY, tickets: allTickets });
    expect(register.path).toBe(join(root, 'registers', 'SH-PD', `${DAY}.xlsx`));
    const { sheet } = await loadSheet(await readFile(register.path));
    expect(dataRows(sheet)).toHaveLength(5);

    const order = await activities.writeTransferOrder({ ticket: level1 });
    expect(order.path).toBe(join(root, 'orders', 'TK-20261124-0001.html'));
    expect(await readFile(order.path, 'utf8')).toContain('非本人签名、代理人违规');
  });

  it('fails for good (non-retryable) on a name that cannot be a path', async () => {
    const activities = createDocumentActivities({ store: new LocalFolderDocumentStore(root), labels });
    const bad = activities.writeTransferRegister({ centralSubBranch: '../SH-PD', date: DAY, tickets: [] });
    await expect(bad).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(bad).rejects.toMatchObject({ nonRetryable: true, type: 'DocumentRejected' });
    await expect(activities.writeTransferOrder({ ticket: { ...level1, ticketId: '../../evil' } })).rejects.toMatchObject({ nonRetryable: true });
  });
});

describe('findingText', () => {
  test('the attempt, its Beijing time and outcome, then the reasons in words', () => {
    expect(findingText({ finding: 'attempt 1 (2026-12-02T11:23:52.000Z): completed', reasons: ['not-signed-by-policyholder', 'coverage-unclear'] }, labels, 'Asia/Shanghai')).toBe(
      '第 1 次回访（2026-12-02 19:23，接通，问卷已答）发现：非本人签名、责任不清',
    );
    expect(findingText({ finding: 'attempt 3 (2026-12-02T02:00:00Z): no-answer', reasons: ['unreachable'] }, labels, 'Asia/Shanghai')).toBe('第 3 次回访（2026-12-02 10:00，无人接听）发现：联系不上投保人');
  });
  test('no number on file, and free text with its numbers masked', () => {
    expect(findingText({ finding: 'no phone number on file', reasons: ['no-number'] }, labels)).toBe('投保资料中没有电话号码：无电话号码');
    expect(findingText({ finding: '客户称号码13912345678已停用', reasons: ['suspended'] }, labels)).toBe('客户称号码139****5678已停用；停机');
  });
});
