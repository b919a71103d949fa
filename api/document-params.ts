/** The path of a scanned document: its kind, its policy and its file name (upload and download alike). */
import { z } from 'zod';
import { policyNoSchema } from '../domain/contract';

export const DOCUMENT_KINDS = ['statements', 'receipts'] as const;

export const documentParams = z
  .object({
    kind: z.enum(DOCUMENT_KINDS),
    policyNo: policyNoSchema,
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.(pdf|jpg|jpeg|png)$/, 'must be a file name ending .pdf, .jpg or .png'),
  })
  .strict();
