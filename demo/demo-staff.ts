/**
 * The demo's simulated staff and agents. Each round they look at what is waiting for them on the
 * demo's task queue (visibility), and take one step per ticket through the client, as the people
 * would through the API: the tier-3 handler dispatches and archives, the tier-4 office hands the
 * order to the agent and collects it, the agent signs the register and replies (a corrected number
 * for a failed callback, what was done otherwise). The call center uploads the recording of a call
 * whose answers opened a level-2 ticket (the simulated dialer uploads only clean calls). The branch
 * closes the cases that went up to it (UNRESOLVED) with its decision.
 */
import { RequestRejectedError } from '../domain/errors';
import type { HuifangClient } from '../client/huifang-client';
import type { LocalFolderRecordingStore } from '../stores/recording-store';
import { storeStandInRecording } from '../call-center/simulated-dialer';
import { nextStep, type TicketState, type TicketStep } from '../domain/ticket';
import * as sa from '../workflows/search-attributes';

export const DEMO_OPERATOR = 'demo-call-center';

export class DemoStaff {
  stepsTaken = 0;
  recordingsUploaded = 0;
  closedByBranch = 0;
  private readonly uploaded = new Set<string>();

  constructor(
    private readonly huifang: HuifangClient,
    private readonly recordings: LocalFolderRecordingStore,
    /** Only workflows started at or after this instant are the demo's to work on. */
    private readonly since: Date,
    private readonly say: (line: string) => void = () => undefined,
  ) {}

  private query(type: string, extra: string): string {
    return `WorkflowType = '${type}' AND TaskQueue = '${this.huifang.taskQueue}' AND StartTime >= '${this.since.toISOString()}' AND ${extra}`;
  }

  /** One round: a step on every open ticket, a recording for every level-2 call waiting for one. */
  async round(): Promise<void> {
    for await (const wf of this.huifang.temporal.workflow.list({ query: this.query('transferTicketWorkflow', `TicketStage != 'CLOSED'`) })) {
      const ticketId = wf.workflowId.replace(/^ticket-/, '');
      const ticket = await this.huifang.getTicketState(ticketId);
      const step = nextStepOf(ticket);
      if (!step) continue;
      try {
        const after = await this.huifang.advanceTicket(ticketId, step);
        this.stepsTaken++;
        this.say(`${ticketId}: ${step.step} by ${step.actor.role} ${step.actor.id} → ${after.stage}`);
      } catch (err) {
        // Visibility lags the workflow: a step already taken is refused, harmlessly.
        if (!(err instanceof RequestRejectedError)) throw err;
      }
    }
    for await (const wf of this.huifang.temporal.workflow.list({ query: this.query('callbackWorkflow', `CallbackStage = 'AWAITING_RECORDING'`) })) {
      const policyNo = wf.workflowId.replace(/^callback-/, '');
      if (this.uploaded.has(policyNo)) continue;
      const state = await this.huifang.getCallbackState(policyNo);
      const call = [...state.attempts].reverse().find((a) => a.outcome === 'completed');
      if (state.stage !== 'AWAITING_RECORDING' || state.recording || !call || state.problems.length === 0) continue;
      const reference = call.report?.recordingRef ?? `recordings/${call.attemptId}.wav`;
      const upload = await storeStandInRecording(this.recordings, reference, `${call.attemptId} demo`, DEMO_OPERATOR);
      this.uploaded.add(policyNo);
      await this.huifang.uploadRecording(policyNo, upload).catch((err: unknown) => {
        if (!(err instanceof RequestRejectedError)) throw err;
      });
      this.recordingsUploaded++;
      this.say(`${policyNo}: recording ${reference} uploaded`);
    }
    for await (const wf of this.huifang.temporal.workflow.list({ query: this.query('callbackWorkflow', `CallbackStage = 'UNRESOLVED' AND ExecutionStatus = 'Running'`) })) {
      const policyNo = wf.workflowId.replace(/^callback-/, '');
      const branch = wf.typedSearchAttributes.get(sa.Branch) ?? '';
      try {
        await this.huifang.closeUnresolved(policyNo, { reason: '演示：分公司已上门核实，结案', actor: { role: 'branch', id: `demo-${branch.toLowerCase()}`, office: branch } });
        this.closedByBranch++;
        this.say(`${policyNo}: closed by branch ${branch}`);
      } catch (err) {
        // Visibility lags the workflow: a case already closed is refused, harmlessly.
        if (!(err instanceof RequestRejectedError)) throw err;
      }
    }
  }
}

/** The step the ticket waits for, by the person whose turn it is. */
export function nextStepOf(ticket: TicketState): TicketStep | undefined {
  const tier3 = { role: 'tier3' as const, id: `demo-${ticket.org.centralSubBranch.toLowerCase()}`, office: ticket.org.centralSubBranch };
  const tier4 = { role: 'tier4' as const, id: `demo-${ticket.org.tier4Office.toLowerCase()}`, office: ticket.org.tier4Office };
  const agent = { role: 'agent' as const, id: ticket.agentCode };
  switch (nextStep(ticket.type, ticket.stage)?.step) {
    case 'dispatch':
      return { step: 'dispatch', actor: tier3 };
    case 'hand-to-agent':
      return { step: 'hand-to-agent', actor: tier4 };
    case 'sign-receipt':
      return { step: 'sign-receipt', actor: agent };
    case 'reply':
      return ticket.type === 'failed-callback'
        ? // A fictional number the simulated dialer answers cleanly (it does not end in 00-08).
          { step: 'reply', actor: agent, correctedPhone: `158${String(ticket.policyNo.length * 1_000_003).slice(-6)}66`, note: '客户提供新号码' }
        : { step: 'reply', actor: agent, actionTaken: ticket.type === 'level-1' ? '已当面核实，客户称签名由其家属代签' : '已补送保险合同，客户签收', note: 'demo' };
    case 'collect':
      return { step: 'collect', actor: tier4 };
    case 'archive':
      return { step: 'archive', actor: tier3 };
    default:
      return undefined;
  }
}
