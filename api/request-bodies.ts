/**
 * The API's bodies for acting on callbacks and tickets: the messages' zod schemas (derived from their
 * one definition, domain/message-checks.ts, by `zodOf`), less what the token already says (the actor,
 * the operator, the uploader) and what the path says (the attempt). The handler fills those in and
 * checks the whole against the message's schema, so the cross-field rules (answers with a completed
 * call, a reason with a rejection) still answer 400 with the field named.
 */
import { z } from 'zod';
import { callOutcomeSchema, recordingUploadSchema } from '../domain/call-outcome';
import { actorSchema, ticketStepSchema } from '../domain/ticket';
import { branchDecisionSchema, fallbackReceiptSchema, waiverDecisionSchema, waiverReportSchema } from '../domain/waiver';

const optionalActor = actorSchema.optional().describe('who acts; filled in from the token when left out, and a 403 when it names anybody else');

const { attemptId: _fromPath, ...outcomeFields } = callOutcomeSchema.shape;
export const outcomeBody = z.object({ ...outcomeFields, operator: outcomeFields.operator.optional().describe('the caller\'s staff id; from the token when left out') }).strict();

export const recordingBody = z
  .object({
    ...recordingUploadSchema.shape,
    uploadedBy: recordingUploadSchema.shape.uploadedBy.optional().describe("the uploader's staff id; from the token when left out"),
    deliveryId: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be 1-100 letters, digits or . _ : -')
      .optional()
      .describe('the sender\'s own id for this upload, the same each time it sends it again: a repeat while the first is verified gets its answer'),
  })
  .strict();

export const waiverReportBody = z.object({ ...waiverReportSchema.shape, actor: optionalActor }).strict();
export const waiverDecisionBody = z.object({ ...waiverDecisionSchema.shape, actor: optionalActor }).strict();
export const fallbackReceiptBody = z
  .object({
    ...fallbackReceiptSchema.shape,
    answers: fallbackReceiptSchema.shape.answers.describe('the printed questionnaire as the policyholder ticked it: question id → yes, no or unclear, every question of the policy (checked by the workflow)'),
    reportedProblems: fallbackReceiptSchema.shape.reportedProblems.describe('problems the policyholder wrote in beyond the questionnaire, as transfer reason codes'),
    actor: optionalActor,
  })
  .strict();
export const branchDecisionBody = z
  .object({ ...branchDecisionSchema.shape, reason: branchDecisionSchema.shape.reason.describe('what the branch did about the case and why it is closed, in words'), actor: optionalActor })
  .strict();

type StepOption = (typeof ticketStepSchema.options)[number];
export const ticketStepBody = z.discriminatedUnion(
  'step',
  ticketStepSchema.options.map((o: StepOption) => z.object({ ...o.shape, actor: optionalActor }).strict()) as unknown as [
    z.ZodObject<{ step: z.ZodLiteral<string>; actor: typeof optionalActor }>,
  ],
);
