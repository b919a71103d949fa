/**
 * What the Web UI shows staff of a run, decoded: the user metadata (summary and details) of every
 * event of its history that has some (the run itself, its timers, activities, child workflows…), its
 * static summary and details and its current details; and a check that none of it holds personal
 * data. Written for operator-console.test.ts.
 */
import { Client } from '@temporalio/client';
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { workflowMetadataQuery } from '@temporalio/workflow';
import type { EncryptionCodec } from '../../client/encryption-codec';
import type { Contract } from '../../domain/contract';

export interface ShownText {
  /** Where the UI shows it: `EVENT_TYPE_TIMER_STARTED summary`, `current details`, … */
  where: string;
  text: string;
}

/**
 * Every text the UI shows of `workflowId`: the history read raw from the server and decoded with
 * `codec`; with `client` (one with the codec, and a worker polling the run's queue), the run's
 * current details too, as the UI asks for them (the SDK's metadata query).
 */
export async function shownTexts(connection: Connection, codec: EncryptionCodec, workflowId: string, client?: Client): Promise<ShownText[]> {
  const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
  const decode = async (payload: temporal.api.common.v1.IPayload): Promise<string> => {
    const [plain] = await codec.decode([payload]);
    return JSON.parse(Buffer.from(plain.data!).toString()) as string;
  };
  const texts: ShownText[] = [];
  for (const event of history.events ?? []) {
    const type = temporal.api.enums.v1.EventType[event.eventType!];
    for (const field of ['summary', 'details'] as const) {
      const payload = event.userMetadata?.[field];
      if (payload) texts.push({ where: `${type} ${field}`, text: await decode(payload) });
    }
  }
  if (client) {
    const meta = (await client.workflow.getHandle(workflowId).query(workflowMetadataQuery)) as { currentDetails?: string };
    if (meta.currentDetails) texts.push({ where: 'current details', text: meta.currentDetails });
  }
  return texts;
}

/** The personal data of a contract: the policyholder's name, phone and ID number, the agent's name and phone. */
export function personalDataOf(contract: Contract): string[] {
  return [contract.policyholder.name, contract.policyholder.phone, contract.policyholder.idNumber, contract.agent.name, contract.agent.phone].filter(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
}

/** The texts that hold any of `personal` (empty when none does), as `where: text`. */
export function leaksIn(texts: readonly ShownText[], personal: readonly string[]): string[] {
  return texts.filter((t) => personal.some((p) => t.text.includes(p))).map((t) => `${t.where}: ${t.text}`);
}
