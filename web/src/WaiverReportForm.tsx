/**
 * The tier-4 office's or the agent's report of a signed waiver (回访放弃声明): the scanned statement
 * is uploaded first (it is kept, never replaced), then the waiver is reported citing that upload; the
 * tier-3 handler of the policy's central sub-branch decides it.
 */
import { useState, type FormEvent } from 'react';
import { api, sendFile } from './api';
import { useSubmit } from './hooks';

const TYPES: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

/** The upload's refusals a desk meets, in its words. */
const UPLOAD_REFUSALS: Record<number, string> = {
  403: '您无权为此保单报送放弃声明',
  404: '未找到此保单（或不在您的权限范围内）',
  413: '文件过大，或此保单的声明文件已达上限',
  415: '文件内容不是 PDF、JPG 或 PNG 扫描件，或与文件类型不符',
};

/** The scan as the raw body; answers where it was kept. */
async function uploadStatement(policyNo: string, file: File): Promise<string> {
  const refusals = Object.fromEntries(Object.entries(UPLOAD_REFUSALS).map(([status, words]) => [status, `声明上传失败：${words}`]));
  const { reference } = await sendFile<{ reference: string }>(`/v1/documents/statements/${encodeURIComponent(policyNo)}/waiver.${TYPES[file.type]}`, file, file.type, refusals);
  return reference;
}

export function WaiverReportForm() {
  const [policyNo, setPolicyNo] = useState('');
  const [file, setFile] = useState<File>();
  const [note, setNote] = useState('');
  const [done, setDone] = useState('');
  const { busy, error, setError, send } = useSubmit();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone('');
    const number = policyNo.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9-]{3,39}$/.test(number)) return setError('请填写保单号（字母、数字或横线）');
    if (!file) return setError('请选择投保人签字的放弃声明扫描件');
    if (!TYPES[file.type]) return setError('放弃声明须为 PDF、JPG 或 PNG 文件');
    await send(async () => {
      const statementRef = await uploadStatement(number, file);
      await api(`/v1/callbacks/${encodeURIComponent(number)}/waiver`, { method: 'POST', body: { statementRef, ...(note.trim() ? { note: note.trim() } : {}) } });
      setDone(`保单 ${number} 的放弃声明已报送，等待三级机构审核`);
      setFile(undefined);
      setNote('');
      (e.target as HTMLFormElement).reset();
    });
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-label="报送放弃声明">
      <h2>报送回访放弃声明</h2>
      <label>
        保单号
        <input name="policyNo" value={policyNo} onChange={(e) => setPolicyNo(e.target.value)} autoComplete="off" />
      </label>
      <label>
        投保人签字的放弃声明（PDF、JPG 或 PNG）
        <input type="file" name="statement" accept="application/pdf,image/jpeg,image/png" onChange={(e) => setFile(e.target.files?.[0])} />
      </label>
      <label>
        备注（可选）
        <input name="note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      {done && <p className="ok" role="status">{done}</p>}
      <button type="submit" disabled={busy}>
        {busy ? '正在报送…' : '上传并报送'}
      </button>
    </form>
  );
}
