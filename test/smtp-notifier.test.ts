/**
 * Email notifications through a real SMTP server (scripts/local-smtp.ts, the one `npx tsx
 * scripts/local-smtp.ts` runs): addressing from config/directory.json, Chinese subjects, attachments
 * byte for byte, no personal data in the mail, SMTP down then back (what the activity's retry relies
 * on), and the fallback address for an office nobody is listed for.
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { AddressObject, ParsedMail } from 'mailparser';
import { LogNotifier } from '../notifications/notifier';
import type { Notification } from '../domain/notification';
import { notificationMessageId, notifierFromEnv, redactPersonalData, SmtpNotifier, smtpSettingsFromEnv, SmtpSettingsError, type SmtpSettings } from '../notifications/smtp-notifier';
import { DEFAULT_CONFIG_DIR, readConfigFile, SettingsError } from '../config/settings';
import { recipientsFor, resolveRecipients, STAFF_DIRECTORY_FILE, staffDirectorySchema, type StaffDirectory } from '../domain/staff-directory';
import { startLocalSmtp, type LocalSmtp } from '../scripts/local-smtp';

const directory: StaffDirectory = readConfigFile(DEFAULT_CONFIG_DIR, STAFF_DIRECTORY_FILE, staffDirectorySchema);
const FROM = '"回访系统" <huifang@example.com>';
const PHONE = /(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)/;

let seq = 0;
function reminder(over: Partial<Notification> = {}): Notification {
  seq++;
  const ticketId = `P20261125M${seq}-T1`;
  const policyNo = `P20261125M${seq}`;
  return {
    kind: 'ticket-reminder',
    to: { role: 'tier4', code: 'SH-PD-03' },
    subject: `[level-1] ${ticketId} 转办单回复提醒：请于 2 个工作日内回复`,
    body: `保单 ${policyNo} 转办单 ${ticketId}（not-signed-by-policyholder）: reply due by 2026-11-27T16:00:00.000Z. found on the callback call`,
    policyNo,
    ticketId,
    sentAt: '2026-11-26T01:00:00.000Z',
    ...over,
  };
}

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => v.address));
const header = (m: ParsedMail, name: string) => m.headers.get(name.toLowerCase());
const forTicket = (ticketId: string) => (m: ParsedMail) => header(m, 'X-Huifang-Ticket') === ticketId;

let smtp: LocalSmtp;
let maildir: string;
let notifier: SmtpNotifier;
const settings = (port: number, over: Partial<SmtpSettings> = {}): SmtpSettings => ({ host: '127.0.0.1', port, from: FROM, ...over });

beforeAll(async () => {
  maildir = mkdtempSync(join(tmpdir(), 'huifang-mail-'));
  smtp = await startLocalSmtp({ port: 0, host: '127.0.0.1', maildir });
  notifier = new SmtpNotifier(settings(smtp.port), directory);
});
afterAll(async () => {
  notifier?.close();
  await smtp?.stop();
  rmSync(maildir, { recursive: true, force: true });
});

describe('staff directory', () => {
  it('validates the shipped config/directory.json and finds each role', () => {
    expect(recipientsFor({ role: 'branch', code: 'SH' }, directory)).toEqual(['callcenter@sh.example.com']);
    expect(recipientsFor({ role: 'tier3', code: 'SH-PD' }, directory)).toEqual(['wenti@shpd.example.com']);
    expect(recipientsFor({ role: 'tier4', code: 'SH-PD-03' }, directory)).toEqual(['neiqin@shpd03.example.com']);
    expect(recipientsFor({ role: 'agent', code: 'A10086' }, directory)).toEqual(['a10086@agents.example.com']);
  });

  it('falls back with a logged reason when nobody is listed: unknown office, role missing at an office, unknown agent', () => {
    const warnings: string[] = [];
    const warn = (message: string) => void warnings.push(message);
    expect(recipientsFor({ role: 'tier4', code: 'SH-XX-99' }, directory, warn)).toEqual(['ops@example.com']);
    expect(recipientsFor({ role: 'tier3', code: 'SH' }, directory, warn)).toEqual(['ops@example.com']);
    expect(recipientsFor({ role: 'agent', code: 'A99999' }, directory, warn)).toEqual(['ops@example.com']);
    expect(recipientsFor({ role: 'agent', code: 'constructor' }, directory, warn)).toEqual(['ops@example.com']);
    expect(warnings).toEqual([
      'mail falls back to ops@example.com: no address listed for tier4 SH-XX-99 (offices.SH-XX-99.tier4 in directory.json)',
      'mail falls back to ops@example.com: no address listed for tier3 SH (offices.SH.tier3 in directory.json)',
      'mail falls back to ops@example.com: no address listed for agent A99999 (agents.A99999 in directory.json)',
      'mail falls back to ops@example.com: no address listed for agent constructor (agents.constructor in directory.json)',
    ]);
    expect(resolveRecipients({ role: 'tier3', code: 'SH-PD' }, directory).fallbackReason).toBeUndefined();
  });

  it('rejects a bad directory with the field named', () => {
    const parse = (v: unknown) => staffDirectorySchema.safeParse(v);
    expect(parse({ offices: {}, agents: {}, fallback: [] }).success).toBe(false);
    expect(parse({ offices: { SH: { branch: ['not-an-address'] } }, agents: {}, fallback: ['ops@example.com'] }).success).toBe(false);
    expect(parse({ offices: { SH: { agent: ['a@example.com'] } }, agents: {}, fallback: ['ops@example.com'] }).success).toBe(false);
    expect(parse({ offices: {}, agents: { A1: [] }, fallback: ['ops@example.com'] }).success).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'huifang-directory-'));
    try {
      writeFileSync(join(dir, STAFF_DIRECTORY_FILE), JSON.stringify({ offices: {}, agents: {}, fallback: ['ops'] }));
      expect(() => readConfigFile(dir, STAFF_DIRECTORY_FILE, staffDirectorySchema)).toThrow(SettingsError);
      expect(() => readConfigFile(dir, STAFF_DIRECTORY_FILE, staffDirectorySchema)).toThrow(/fallback\[0\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SmtpNotifier through the local SMTP server', () => {
  it('mails a ticket reminder to the directory address, Chinese subject intact, body naming the ticket and no phone number', async () => {
    const n = reminder();
    await notifier.send(n);
    const mail = await smtp.waitFor(forTicket(n.ticketId!));

    expect(addresses(mail.to)).toEqual(['neiqin@shpd03.example.com']);
    expect(addresses(mail.from)).toEqual(['huifang@example.com']);
    expect(mail.from?.value[0].name).toBe('回访系统');
    expect(mail.subject).toBe(n.subject);
    expect(mail.text).toContain(n.ticketId);
    expect(mail.text).toContain(n.policyNo);
    expect(mail.text).toContain('转办单');
    expect(mail.text).not.toMatch(PHONE);
    expect(header(mail, 'X-Huifang-Kind')).toBe('ticket-reminder');
    expect(header(mail, 'X-Huifang-Policy')).toBe(n.policyNo);
    expect(mail.messageId).toBe(notificationMessageId(n, FROM));
    expect(mail.date?.toISOString()).toBe(n.sentAt);

    // On the wire the subject is MIME-encoded (7-bit safe); the envelope goes to the same address.
    const received = smtp.received.find((r) => r.parsed === mail)!;
    expect(received.envelope.to).toEqual(['neiqin@shpd03.example.com']);
    expect(received.raw.toString('latin1')).toMatch(/^Subject: =\?UTF-8\?/m);
    // Saved as an .eml that parses back to the same message.
    expect(received.file).toBeDefined();
    expect(readdirSync(maildir)).toContain(basename(received.file!));
    expect(readFileSync(received.file!).equals(received.raw)).toBe(true);
  });

  it('replaces anything shaped like a phone number or an ID number before mailing, keeping policy and ticket numbers', async () => {
    const n = reminder({ to: { role: 'agent', code: 'A10086' } });
    n.body += '；客户说新号码 13812345678，座机 021-62345678，身份证 11010519491231002X';
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await notifier.send(n);
      // The fact is logged, not the value.
      expect(warn).toHaveBeenCalledTimes(1);
      expect(JSON.stringify(warn.mock.calls)).toContain('personal data removed');
      expect(JSON.stringify(warn.mock.calls)).not.toMatch(/13812345678|62345678|11010519491231002X/);
    } finally {
      warn.mockRestore();
    }
    const mail = await smtp.waitFor(forTicket(n.ticketId!));
    expect(addresses(mail.to)).toEqual(['a10086@agents.example.com']);
    expect(mail.text).not.toMatch(PHONE);
    expect(mail.text).not.toContain('11010519491231002X');
    expect(mail.text).toContain('[phone redacted]');
    expect(mail.text).toContain('[ID redacted]');
    expect(mail.text).toContain(n.ticketId);
    expect(mail.text).toContain(n.policyNo);

    // A policy number that happens to look like a mobile number stays as it is.
    expect(redactPersonalData('保单 13912345678 转办', ['13912345678']).text).toBe('保单 13912345678 转办');
    expect(redactPersonalData('call +86 139 1234 5678 or 0755-1234567').text).toBe('call [phone redacted] or [phone redacted]');
    expect(redactPersonalData('due 2026-11-27T16:00:00.000Z, P2026112013812345678').redacted).toBe(0);
  });

  it('sends attachments that come back byte for byte (the 08:30 exemption list)', async () => {
    const csv = Buffer.from('保单号,原因\nP20261125X1,客户放弃回访\n', 'utf8');
    const scan = randomBytes(64 * 1024);
    scan[0] = 0;
    scan[1] = 0x0d;
    scan[2] = 0x0a;
    const sent = await notifier.sendWithAttachments({
      to: ['callcenter@sh.example.com'],
      subject: '免回访清单 2026-11-25（SH-PD）',
      text: '附件：免回访清单及回访放弃声明扫描件。',
      attachments: [
        { filename: '免回访清单-2026-11-25.csv', content: csv, contentType: 'text/csv; charset=utf-8' },
        { filename: 'waiver-P20261125X1.pdf', content: scan },
      ],
    });
    expect(sent.accepted).toEqual(['callcenter@sh.example.com']);

    const mail = await smtp.waitFor((m) => m.messageId === sent.messageId);
    expect(mail.subject).toBe('免回访清单 2026-11-25（SH-PD）');
    expect(addresses(mail.to)).toEqual(['callcenter@sh.example.com']);
    expect(mail.text?.trim()).toBe('附件：免回访清单及回访放弃声明扫描件。');
    expect(mail.attachments.map((a) => a.filename)).toEqual(['免回访清单-2026-11-25.csv', 'waiver-P20261125X1.pdf']);
    expect(Buffer.compare(mail.attachments[0].content, csv)).toBe(0);
    expect(Buffer.compare(mail.attachments[1].content, scan)).toBe(0);
    await expect(notifier.sendWithAttachments({ to: [], subject: 'x', text: 'x', attachments: [] })).rejects.toThrow(/no recipient/);
  });

  it('logs in when the server asks for it (any login is accepted locally)', async () => {
    const withAuth = new SmtpNotifier(settings(smtp.port, { auth: { user: 'huifang', pass: 'local-only' } }), directory);
    try {
      const n = reminder({ kind: 'ticket-escalated', to: { role: 'branch', code: 'SH' } });
      await withAuth.send(n);
      const mail = await smtp.waitFor(forTicket(n.ticketId!));
      expect(addresses(mail.to)).toEqual(['callcenter@sh.example.com']);
    } finally {
      withAuth.close();
    }
  });

  it('an unknown office gets the fallback address, the message saying why', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const n = reminder({ kind: 'ticket-overdue', to: { role: 'tier3', code: 'GD-SZ' } });
      await notifier.send(n);
      const mail = await smtp.waitFor(forTicket(n.ticketId!));
      expect(addresses(mail.to)).toEqual(['ops@example.com']);
      expect(header(mail, 'X-Huifang-Fallback')).toBe('true');
      expect(header(mail, 'X-Huifang-Recipient')).toBe('tier3 GD-SZ');
      expect(mail.text).toContain('no address listed for tier3 GD-SZ (offices.GD-SZ.tier3 in directory.json)');
      expect(mail.subject).toBe(n.subject);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('mail falls back to ops@example.com'), expect.objectContaining({ code: 'GD-SZ' }));
    } finally {
      warn.mockRestore();
    }
  });
});

describe('SMTP down', () => {
  it('send() rejects while nothing listens and delivers, same Message-ID, once the server is up on that port', async () => {
    // A port that was free a moment ago.
    const probe = await startLocalSmtp({ port: 0 });
    const port = probe.port;
    await probe.stop();

    const down = new SmtpNotifier(settings(port), directory);
    let later: LocalSmtp | undefined;
    try {
      const n = reminder({ to: { role: 'agent', code: 'A10086' } });
      await expect(down.send(n)).rejects.toThrow(/ECONNREFUSED/);

      later = await startLocalSmtp({ port, host: '127.0.0.1' });
      expect(later.messages).toHaveLength(0);
      await down.send(n); // what the activity's next attempt does
      const mail = await later.waitFor(forTicket(n.ticketId!));
      expect(addresses(mail.to)).toEqual(['a10086@agents.example.com']);
      expect(mail.subject).toBe(n.subject);
      expect(mail.messageId).toBe(notificationMessageId(n, FROM));
      expect(later.messages).toHaveLength(1);
    } finally {
      down.close();
      await later?.stop();
    }
  });
});

describe('configuration from the environment', () => {
  it('reads HUIFANG_SMTP_*', () => {
    expect(smtpSettingsFromEnv({})).toBeUndefined();
    expect(smtpSettingsFromEnv({ HUIFANG_SMTP_HOST: 'smtp.example.com' })).toEqual({
      host: 'smtp.example.com',
      port: 587,
      secure: false,
      auth: undefined,
      from: 'huifang@example.com',
    });
    expect(
      smtpSettingsFromEnv({
        HUIFANG_SMTP_HOST: 'smtp.example.com',
        HUIFANG_SMTP_SECURE: 'true',
        HUIFANG_SMTP_USER: 'huifang',
        HUIFANG_SMTP_PASSWORD: 's3cret',
        HUIFANG_SMTP_FROM: FROM,
      }),
    ).toEqual({ host: 'smtp.example.com', port: 465, secure: true, auth: { user: 'huifang', pass: 's3cret' }, from: FROM });
    expect(smtpSettingsFromEnv({ HUIFANG_SMTP_HOST: '127.0.0.1', HUIFANG_SMTP_PORT: '2525' })?.port).toBe(2525);
  });

  it('refuses bad values, naming the variable', () => {
    expect(() => smtpSettingsFromEnv({ HUIFANG_SMTP_HOST: 'h', HUIFANG_SMTP_PORT: 'smtp' })).toThrow(/HUIFANG_SMTP_PORT/);
    expect(() => smtpSettingsFromEnv({ HUIFANG_SMTP_HOST: 'h', HUIFANG_SMTP_SECURE: 'maybe' })).toThrow(/HUIFANG_SMTP_SECURE/);
    expect(() => smtpSettingsFromEnv({ HUIFANG_SMTP_HOST: 'h', HUIFANG_SMTP_USER: 'u' })).toThrow(SmtpSettingsError);
    expect(() => smtpSettingsFromEnv({ HUIFANG_SMTP_HOST: 'h', HUIFANG_SMTP_FROM: 'huifang' })).toThrow(/HUIFANG_SMTP_FROM/);
  });

  it('mails when HUIFANG_SMTP_HOST is set, else only logs', () => {
    expect(notifierFromEnv(directory, {})).toBeInstanceOf(LogNotifier);
    const smtpNotifier = notifierFromEnv(directory, { HUIFANG_SMTP_HOST: '127.0.0.1', HUIFANG_SMTP_PORT: String(smtp.port) });
    expect(smtpNotifier).toBeInstanceOf(SmtpNotifier);
    (smtpNotifier as SmtpNotifier).close();
  });
});

describe('npx tsx scripts/local-smtp.ts', () => {
  it('runs as a command: listens where HUIFANG_SMTP_PORT says, saves mail as .eml where it printed, stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'huifang-local-smtp-'));
    const child = spawn(join(__dirname, '..', 'node_modules', '.bin', 'tsx'), ['scripts/local-smtp.ts'], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, HUIFANG_SMTP_PORT: '0', HUIFANG_SMTP_MAILDIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const until = async (what: RegExp, ms = 20_000) => {
      for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
        const m = what.exec(out);
        if (m) return m;
      }
      throw new Error(`no ${what} in the script's output:\n${out}`);
    };
    let viaEnv: SmtpNotifier | undefined;
    try {
      const [, port] = await until(/listening on 127\.0\.0\.1:(\d+); saving each message as \.eml in (.+)/);
      expect(out).toContain(dir);
      viaEnv = notifierFromEnv(directory, { HUIFANG_SMTP_HOST: '127.0.0.1', HUIFANG_SMTP_PORT: port, HUIFANG_SMTP_FROM: FROM }) as SmtpNotifier;
      const n = reminder();
      await viaEnv.send(n);
      await until(/\.eml/);
      const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
      expect(files).toHaveLength(1);
      const eml = readFileSync(join(dir, files[0]), 'latin1');
      expect(eml).toMatch(/^To: neiqin@shpd03\.example\.com$/m);
      expect(eml).toContain(`X-Huifang-Ticket: ${n.ticketId}`);
    } finally {
      viaEnv?.close();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
