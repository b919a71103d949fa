/** The path of a scanned document: its kind, its policy and its file name (upload and download alike). */
import { z } from 'zod';
import { policyNoSchema } from '../domain/contract';
import { SCANNED_KINDS, scannedRefRejection, UPLOAD_NAME } from '../domain/scanned-documents';

export const DOCUMENT_KINDS = SCANNED_KINDS;

/** An upload names the file as scanned; a later upload of the same name is kept as its next version. */
export const documentParams = z
  .object({
    kind: z.enum(DOCUMENT_KINDS),
    policyNo: policyNoSchema,
    name: z.string().regex(UPLOAD_NAME.pattern, UPLOAD_NAME.message),
  })
  .strict();

/** A download names a stored file: as uploaded, or a version of it (`x.v2.pdf`). */
export const storedDocumentParams = documentParams
  .extend({ name: z.string().min(1).max(80) })
  .superRefine((p, ctx) => {
    if (scannedRefRejection(p.kind, p.policyNo, `${p.kind}/${p.policyNo}/${p.name}`)) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'must be a file name ending .pdf, .jpg or .png (a later version: name.v2.pdf)' });
    }
  });
