/**
 * The README's table of waits, from domain/waits.ts (test/waits.test.ts checks the README holds it
 * as printed here). `npx tsx scripts/waits-table.ts` prints it after a change to the declarations.
 */
import { CALLBACK_WAITS, QUOTA_WAITS, TICKET_WAITS, type WaitDeclaration } from '../domain/waits';

export function waitsTable(): string {
  const rows = (workflow: string, table: Record<string, WaitDeclaration>) =>
    Object.entries(table).map(([id, w]) => `| ${workflow} | \`${id}\` | ${w.stage} | ${w.for} | ${w.deadline} | ${w.onDeadline} |`);
  return [
    '| workflow | wait | stage | waits for | deadline | when it passes |',
    '|---|---|---|---|---|---|',
    ...rows('callback', CALLBACK_WAITS),
    ...rows('ticket', TICKET_WAITS),
    ...rows('fallback quota', QUOTA_WAITS),
  ].join('\n');
}

if (require.main === module) console.log(waitsTable());
