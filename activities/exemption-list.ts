/**
 * The I/O of the 08:30 exemption list (domain/exemption-list.ts): the day on the working-day
 * calendar, the accepted waivers from the evidence, and one mail per central sub-branch to its
 * branch call center with the list (.xlsx) and the signed statements from the document store.
 *
 * Sending is idempotent per central sub-branch and day: once the SMTP server has taken a list, a
 * marker is saved beside it (exemption-lists/<centralSubBranch>/<date>.sent.json), and every later
 * attempt (an activity retry, a re-run of the day) answers from it without mailing again. Only a
 * crash between the server taking the mail and the marker being written can send it twice; the
 * copy then carries the same Message-ID.
 */
import { basename } from 'node:path';
import { log } from '@temporalio/activity';
import type { Settings } from '../config/settings';
import type { CallbackRecord } from '../domain/callback-record';
import { exemptionDay, exemptionGroups, exemptionListMessageId, type ExemptionDay, type ExemptionGroup } from '../domain/exemption-list';
import { instantAt, localDateOf, type LocalDate } from '../domain/local-time';
import { resolveRecipients } from '../domain/staff-directory';
import { exemptionListFileName, exemptionListSubject, exemptionListText, exemptionListXlsx } from '../documents/exemption-list-document';
import type { MailAttachment, Mailer } from '../notifications/notifier';
import { exemptionListPath } from '../stores/document-paths';
import type { DocumentStore } from '../stores/document-store';
import type { EvidenceStore } from '../stores/evidence-store';

export interface ExemptionListDeps {
  settings: Settings;
  evidence: EvidenceStore;
  documents: DocumentStore;
  mailer: Mailer;
}

/** What was mailed for one central sub-branch and day (or had been, when `alreadySent`). */
export interface SentExemptionList {
  centralSubBranch: string;
  branch: string;
  date: LocalDate;
  policyNos: string[];
  to: string[];
  cc: string[];
  /** Set when the branch has no address in the directory and the list went to the fallback. */
  fallbackReason?: string;
  messageId: string;
  attachments: string[];
  listRef: string;
  sentAt: string;
  late: boolean;
  alreadySent: boolean;
}

export function createExemptionListActivities({ settings, evidence, documents, mailer }: ExemptionListDeps) {
  const config = settings.exemptionList;
  const tz = config.timeZone;
  return {
    /** The list's day: `date` when given (a re-run), else the local date of `at` (the scheduled time). */
    async exemptionListDay({ date, at }: { date?: LocalDate; at: string }): Promise<ExemptionDay> {
      return exemptionDay(date ?? localDateOf(new Date(at), tz), settings.calendar);
    },

    async collectExemptions(window: { from: LocalDate; to: LocalDate }): Promise<ExemptionGroup[]> {
      // The window's days, with a day's margin either side; the domain keeps the window's own by local date.
      const from = new Date(Date.parse(`${window.from}T00:00:00Z`) - 86_400_000).toISOString();
      const to = new Date(Date.parse(`${window.to}T00:00:00Z`) + 2 * 86_400_000).toISOString();
      return exemptionGroups(await evidence.acceptedWaivers(from, to), window, tz);
    },

    async sendExemptionList({ date, from, to, group }: { date: LocalDate; from: LocalDate; to: LocalDate; group: ExemptionGroup }): Promise<SentExemptionList> {
      const { centralSubBranch, branch } = group;
      const marker = exemptionListPath(centralSubBranch, date, 'sent.json');
      const sent = await readJson<SentExemptionList>(documents, marker);
      if (sent) return { ...sent, alreadySent: true };

      const records = (await Promise.all(group.policyNos.map((p) => evidence.getCallback(p)))).filter((r): r is CallbackRecord => r !== undefined);
      const attachments: MailAttachment[] = [];
      const rows: { record: CallbackRecord; attachment?: string }[] = [];
      for (const record of records) {
        const ref = record.waiver!.statementRef;
        const content = await documents.read(ref).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return undefined;
          throw err; // the store is down: retried
        });
        const filename = content ? `${record.policyNo}-${basename(ref)}` : undefined;
        if (content && filename) attachments.push({ filename, content });
        rows.push({ record, attachment: filename });
      }
      const due = instantAt(date, config.dueBy, tz);
      const late = Date.now() > due.getTime();
      const input = { centralSubBranch, branch, date, from, to, rows, timeZone: tz, lateAfter: late ? `${date} ${config.dueBy}` : undefined };
      const xlsx = await exemptionListXlsx(input);
      const listName = exemptionListFileName(centralSubBranch, date);
      const listRef = exemptionListPath(centralSubBranch, date, 'xlsx');
      await documents.save(listRef, xlsx);

      const { to: recipients, fallbackReason } = resolveRecipients({ role: 'branch', code: branch }, settings.directory);
      if (fallbackReason) log.warn(`exemption list of ${centralSubBranch} goes to the fallback address: ${fallbackReason}`);
      // The tier-3 handler sees what went out in their name, when they are listed.
      const cc = settings.directory.offices[centralSubBranch]?.tier3 ?? [];
      const text = exemptionListText(input) + (fallbackReason ? `\n\n发至备用地址 (sent to the fallback address): ${fallbackReason}.` : '');
      const mail = await mailer.sendWithAttachments({
        to: recipients,
        cc,
        subject: exemptionListSubject(input),
        text,
        messageId: exemptionListMessageId(centralSubBranch, date),
        attachments: [{ filename: listName, content: xlsx, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, ...attachments],
      });
      const result: SentExemptionList = {
        centralSubBranch,
        branch,
        date,
        policyNos: records.map((r) => r.policyNo),
        to: recipients,
        cc,
        fallbackReason,
        messageId: mail.messageId,
        attachments: [listName, ...attachments.map((a) => a.filename)],
        listRef,
        sentAt: new Date().toISOString(),
        late,
        alreadySent: false,
      };
      await documents.save(marker, JSON.stringify(result, null, 2));
      return result;
    },
  };
}

async function readJson<T>(documents: DocumentStore, path: string): Promise<T | undefined> {
  try {
    return JSON.parse((await documents.read(path)).toString('utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
