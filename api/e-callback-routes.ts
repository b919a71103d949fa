/**
 * The policyholder's e-callback page (电子化回访), public: the link's token, then the page's session,
 * travel in the request body, never in a URL. Until the identity is verified nothing about the policy
 * is shown. Every step is written to the system of record as it happens (stores/e-callback-links.ts):
 *   POST /v1/e-callback/open          the link opened: is it still good?
 *   POST /v1/e-callback/identity      name and ID number against the contract; a one-time code by SMS to the phone on file
 *   POST /v1/e-callback/verify        the code: the page's session, the disclosures and the questionnaire
 *   POST /v1/e-callback/face          face verification (人脸识别) through the provider, when configured
 *   POST /v1/e-callback/screen        a screen the page showed (evidence)
 *   POST /v1/e-callback/submit        the answers and the signature: the workflow completes the e-callback
 *   POST /v1/e-callback/ask-for-call  the policyholder would rather be called: the phone takes over
 *   GET  /v1/audit/e-callback/:policyNo  every step, for ops and the compliance officer
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { HuifangClient } from '../client/huifang-client';
import type { Contract } from '../domain/contract';
import { policyNoSchema } from '../domain/contract';
import { identityMatches, keyDisclosures, maskedPhone, type ECallbackConfig } from '../domain/e-callback';
import { RequestRejectedError } from '../domain/errors';
import type { SmsGateway } from '../domain/sms-gateway';
import type { DocumentStore } from '../stores/document-store';
import { eSignaturePath } from '../stores/document-paths';
import { ECallbackLinks, newCode, type LinkRow } from '../stores/e-callback-links';
import type { EvidenceStore } from '../stores/evidence-store';
import { callbackContract } from '../client/callback-contract';
import type { FaceVerifier } from '../domain/face-verification';
import { HttpError } from './errors';
import { SimulatedFaceVerifier } from './simulated-face-verifier';
import type { ApiRoutes } from './route';

const secret = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the code from the link');
const ANSWER = z.enum(['yes', 'no', 'unclear']);
/** A signature drawn on the page: a PNG data URL, at most 512 KiB of image. */
const SIGNATURE = z
  .string()
  .regex(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/, 'must be the signature drawn on the page (a PNG)')
  .max(700_000);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const answer = (schema: z.ZodType) => ({ description: 'OK', schema });

export interface ECallbackRouteOptions {
  evidence: EvidenceStore;
  documents: DocumentStore;
  sms: SmsGateway;
  /** The face-verification provider (when `identity.faceVerification`); a simulated one by default. */
  faces?: FaceVerifier;
  config: ECallbackConfig;
}

export function registerECallbackRoutes(routes: ApiRoutes, huifang: HuifangClient, opts: ECallbackRouteOptions): void {
  const links = new ECallbackLinks(opts.evidence.db);
  const { identity } = opts.config;
  const faces = opts.faces ?? new SimulatedFaceVerifier();

  /** The link behind `token`, still good; else a 404/410/423 saying why, in words the policyholder reads. */
  const goodLink = async (token: string): Promise<LinkRow> => {
    const link = await links.byToken(token);
    if (!link) throw new HttpError(404, '链接无效：请使用短信中的完整链接');
    const refuse = async (status: number, event: string, words: string): Promise<never> => {
      await links.event(link.policyNo, link.linkId, event);
      throw new HttpError(status, words);
    };
    if (link.usedAt) await refuse(410, 'opened-after-use', '此链接已使用过，回访已完成或已转为电话回访');
    if (link.lockedAt) await refuse(423, 'opened-when-locked', '身份核验未通过次数过多，此链接已锁定，我们将电话联系您');
    if (Date.parse(link.expiresAt) <= Date.now()) await refuse(410, 'opened-after-expiry', '此链接已过期，请使用最新短信中的链接，或等待我们的电话');
    const latest = await links.latestOf(link.policyNo);
    if (latest && latest.linkId !== link.linkId) await refuse(410, 'opened-replaced', '此链接已被新的短信链接取代，请使用最新短信中的链接');
    return link;
  };
  const sessionLink = async (session: string): Promise<LinkRow> => {
    const link = await links.bySession(session);
    if (!link || link.usedAt) throw new HttpError(401, '页面已超时，请重新打开短信中的链接');
    return link;
  };
  /** The contract as the workflow was started with it (personal data included, decrypted by the codec). */
  const contractOf = (policyNo: string): Promise<Contract> => callbackContract(huifang.temporal, policyNo);
  /** A wrong identity or code: counted; at the last try the link locks and the phone takes over. */
  const wrongTry = async (link: LinkRow, event: string): Promise<never> => {
    const left = await links.failedTry(link.linkId, identity.maxTries);
    await links.event(link.policyNo, link.linkId, event, { triesLeft: left });
    if (left > 0) throw new HttpError(403, `信息不符，还可尝试 ${left} 次`);
    await huifang.endECallback(link.policyNo, { linkId: link.linkId, why: 'identity-locked' }).catch(ignoreClosed);
    throw new HttpError(423, '身份核验未通过次数过多，此链接已锁定，我们将电话联系您');
  };

  routes.add({
    method: 'POST',
    url: '/v1/e-callback/open',
    tag: 'e-callback',
    summary: 'The policyholder opened the link: whether it still works (nothing about the policy is shown yet)',
    roles: 'public',
    body: z.object({ token: secret }).strict(),
    bodyLimit: 1024,
    response: answer(z.object({ step: z.literal('identity'), expiresAt: z.string() })),
    errors: [404, 410, 423],
    async handler({ body }) {
      const link = await goodLink(body.token);
      await links.event(link.policyNo, link.linkId, 'opened');
      return { step: 'identity' as const, expiresAt: link.expiresAt };
    },
  });

  routes.add({
    method: 'POST',
    url: '/v1/e-callback/identity',
    tag: 'e-callback',
    summary: "The policyholder's name and ID number, checked against the contract; a one-time code goes by SMS to the phone on file",
    roles: 'public',
    body: z.object({ token: secret, name: z.string().trim().min(1).max(50), idNumber: z.string().trim().min(15).max(18) }).strict(),
    bodyLimit: 2048,
    response: answer(z.object({ codeSentTo: z.string(), codeValidMinutes: z.number() })),
    errors: [403, 404, 410, 423],
    async handler({ body }) {
      const link = await goodLink(body.token);
      const person = await opts.evidence.personalData(link.policyNo);
      const contract = person?.holderIdNumber ? undefined : await contractOf(link.policyNo);
      const onFile = { name: person?.holderName ?? contract?.policyholder.name, idNumber: person?.holderIdNumber ?? contract?.policyholder.idNumber };
      const phone = person?.holderPhone ?? contract?.policyholder.phone;
      if (!identityMatches(body, onFile) || !phone) return wrongTry(link, 'identity-refused');
      const code = newCode(identity.codeDigits);
      await links.setCode(link.linkId, code, new Date(Date.now() + identity.codeValidMinutes * 60_000).toISOString());
      await opts.sms.send({ to: phone, kind: 'e-callback-code', policyNo: link.policyNo, text: `【新契约回访】验证码 ${code}，${identity.codeValidMinutes} 分钟内有效，请勿告诉他人。` });
      await links.event(link.policyNo, link.linkId, 'identity-matched-code-sent');
      return { codeSentTo: maskedPhone(phone), codeValidMinutes: identity.codeValidMinutes };
    },
  });

  routes.add({
    method: 'POST',
    url: '/v1/e-callback/verify',
    tag: 'e-callback',
    summary: "The one-time code: answers the page's session, the product's key disclosures and the questionnaire",
    roles: 'public',
    body: z.object({ token: secret, code: z.string().regex(/^\d{4,8}$/, 'must be the digits of the code') }).strict(),
    bodyLimit: 1024,
    response: answer(
      z.object({
        session: z.string(),
        faceVerification: z.boolean().describe('Whether POST /v1/e-callback/face must pass before the answers'),
        disclosures: z.array(z.string()),
        questions: z.array(z.object({ id: z.string(), text: z.string() })),
      }),
    ),
    errors: [403, 404, 410, 423],
    async handler({ body }) {
      const link = await goodLink(body.token);
      if (!links.codeMatches(link, body.code)) return wrongTry(link, 'code-refused');
      const [contract, state] = await Promise.all([contractOf(link.policyNo), huifang.getCallbackState(link.policyNo)]);
      if (state.stage !== 'AWAITING_E_CALLBACK') throw new HttpError(410, '此保单的回访已不在线上进行，我们将电话联系您');
      const session = await links.openSession(link.linkId, new Date(Date.now() + identity.sessionMinutes * 60_000).toISOString());
      await links.event(link.policyNo, link.linkId, 'identity-verified');
      return { session, faceVerification: identity.faceVerification, disclosures: keyDisclosures(contract, state.coolingOff?.lastDay), questions: state.questions ?? [] };
    },
  });

  routes.add({
    method: 'POST',
    url: '/v1/e-callback/face',
    tag: 'e-callback',
    summary: "Face verification: the page's capture against the policyholder's ID photo, by the provider; a failure counts as a wrong try",
    roles: 'public',
    body: z.object({ session: secret, capture: z.string().min(1).max(700_000) }).strict(),
    bodyLimit: 1024 * 1024,
    response: answer(z.object({ verified: z.literal(true) })),
    errors: [401, 403, 423],
    async handler({ body }) {
      const link = await sessionLink(body.session);
      const contract = await contractOf(link.policyNo);
      const result = await faces.verify({ policyNo: link.policyNo, idNumber: contract.policyholder.idNumber, capture: body.capture });
      if (!result.passed) return wrongTry(link, 'face-refused');
      await links.event(link.policyNo, link.linkId, 'face-verified', { provider: result.provider, ...(result.score !== undefined ? { score: result.score } : {}) });
      return { verified: true as const };
    },
  });

  routes.add({
    method: 'POST',
    url: '/v1/e-callback/screen',
    tag: 'e-callback',
    summary: 'A screen the page showed the policyholder (kept as evidence with its time)',
    roles: 'public',
    body: z.object({ session: secret, screen: z.enum(['disclosures', 'questionnaire', 'signature']) }).strict(),
    bodyLimit: 1024,
    response: answer(z.object({ recorded: z.literal(true) })),
    errors: [401],
    async handler({ body }) {
      const link = await sessionLink(body.session);
      await links.event(link.policyNo, link.linkId, 'screen-shown', { screen: body.screen });
      return { recorded: true as const };
    },
  });

  routes.add({
    method: 'POST',
    url: '/v1/e-callback/submit',
    tag: 'e-callback',
    summary: 'The answers and the signature: the e-callback is completed (once: the link is spent)',
    roles: 'public',
    body: z.object({ session: secret, answers: z.record(z.string().max(64), ANSWER), signature: SIGNATURE }).strict(),
    bodyLimit: 1024 * 1024,
    response: answer(z.object({ completed: z.literal(true), followUp: z.boolean() })),
    errors: [401, 403, 409, 410],
    async handler({ body }) {
      const link = await sessionLink(body.session);
      if (identity.faceVerification && !(await links.happened(link.linkId, 'face-verified'))) throw new HttpError(403, '请先完成人脸识别');
      const image = Buffer.from(body.signature.slice(body.signature.indexOf(',') + 1), 'base64');
      if (!image.subarray(0, 8).equals(PNG) || image.length < 100) throw new HttpError(400, 'signature: 请在签名框内签名', [{ field: 'signature', message: 'must be a PNG of the signature' }]);
      const state = await huifang.getCallbackState(link.policyNo);
      const missing = (state.questions ?? []).filter((q) => !body.answers[q.id]);
      if (missing.length) throw new HttpError(400, `answers: 还有 ${missing.length} 个问题未回答`, [{ field: 'answers', message: `missing: ${missing.map((q) => q.id).join(', ')}` }]);
      const ref = eSignaturePath(link.policyNo, link.linkId);
      await opts.documents.saveNew(ref, image);
      const sha256 = createHash('sha256').update(image).digest('hex');
      if (!(await links.markUsed(link.linkId))) throw new HttpError(410, '此链接已使用过');
      await links.event(link.policyNo, link.linkId, 'answered-and-signed', { answers: body.answers, signature: { ref, sha256 } });
      const after = await huifang.completeECallback(link.policyNo, { linkId: link.linkId, answers: body.answers, signature: { ref, sha256 } }).catch((err: unknown) => {
        if (err instanceof RequestRejectedError) throw new HttpError(409, `此保单的线上回访已结束：${err.message}`);
        throw err;
      });
      return { completed: true as const, followUp: after.problems.length > 0 };
    },
  });

  routes.add({
    method: 'POST',
    url: '/v1/e-callback/ask-for-call',
    tag: 'e-callback',
    summary: 'The policyholder would rather be called: the e-callback ends and the phone plan takes over',
    roles: 'public',
    body: z.object({ token: secret }).strict(),
    bodyLimit: 1024,
    response: answer(z.object({ call: z.literal(true) })),
    errors: [404, 410, 423],
    async handler({ body }) {
      const link = await goodLink(body.token);
      await links.markUsed(link.linkId);
      await links.event(link.policyNo, link.linkId, 'asked-for-a-call');
      await huifang.endECallback(link.policyNo, { linkId: link.linkId, why: 'asked-for-a-call' }).catch(ignoreClosed);
      return { call: true as const };
    },
  });

  routes.add({
    method: 'GET',
    url: '/v1/audit/e-callback/:policyNo',
    tag: 'e-callback',
    summary: "Every step of a policy's e-callback, with its time: links sent, opened, identity checks, screens shown, answers, signature (ops)",
    roles: ['ops'],
    params: z.object({ policyNo: policyNoSchema }).strict(),
    response: answer(
      z.object({ policyNo: z.string(), events: z.array(z.object({ at: z.string(), linkId: z.string(), event: z.string(), detail: z.record(z.string(), z.unknown()).optional() })) }),
    ),
    async handler({ params }) {
      return { policyNo: params.policyNo, events: await links.events(params.policyNo) };
    },
  });
}

/** The e-callback had already ended (the deadline passed meanwhile): nothing more to tell the workflow. */
function ignoreClosed(err: unknown): void {
  if (!(err instanceof RequestRejectedError)) throw err;
}
