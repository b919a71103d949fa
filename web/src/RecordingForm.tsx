/**
 * The recording of the completed call: the file's SHA-256 is computed here, in the browser, and sent
 * with its storage key; the workflow checks the file in recording storage before it closes.
 */
import { useState, type FormEvent } from 'react';
import { api } from './api';
import { useSubmit } from './hooks';
import { CALLBACK_STAGES } from './labels';

export function RecordingForm({ policyNo, attemptId, onRecorded }: { policyNo: string; attemptId: string; onRecorded: (what: string) => void }) {
  const [reference, setReference] = useState(`recordings/${attemptId}.wav`);
  const [file, setFile] = useState<File>();
  const { busy, error, setError, send } = useSubmit();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/.test(reference) || reference.includes('..')) return setError('录音存储路径只能包含字母、数字、点、横线、下划线和斜杠');
    if (!file) return setError('请选择录音文件');
    await send(async () => {
      const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
      const checksum = `sha256:${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
      const state = await api<{ stage: string }>(`/v1/callbacks/${policyNo}/recording`, { method: 'POST', body: { reference, checksum } });
      onRecorded(`录音已核验；回访状态：${CALLBACK_STAGES[state.stage] ?? state.stage}`);
    });
  }

  return (
    <form onSubmit={submit} noValidate aria-label="上传录音">
      <h2>回访录音</h2>
      <label>
        录音存储路径
        <input name="reference" value={reference} onChange={(e) => setReference(e.target.value)} />
      </label>
      <label>
        录音文件（与录音系统中的文件一致，用于核对校验值）
        <input type="file" name="recording" accept="audio/*" onChange={(e) => setFile(e.target.files?.[0])} />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy}>
        提交录音
      </button>
    </form>
  );
}
