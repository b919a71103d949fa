/**
 * The recording of the call, uploaded from the operator's computer: the file goes to recording
 * storage as the request's body, the server computes its checksum and the workflow verifies the
 * stored file before the callback moves on (PUT …/attempts/:attemptId/recording).
 */
import { useState, type FormEvent } from 'react';
import { sendFile } from './api';
import { useSubmit } from './hooks';
import { CALLBACK_STAGES } from './labels';

/** The types recording storage keeps (checked again by content on the server). */
const ACCEPTED = '.wav,.mp3,.amr,.m4a,.ogg,audio/*';
const TYPE_BY_EXTENSION: Record<string, string> = { wav: 'audio/wav', mp3: 'audio/mpeg', amr: 'audio/amr', m4a: 'audio/mp4', ogg: 'audio/ogg' };
const MAX_MB = 64;

const REFUSALS = {
  413: `录音文件超过 ${MAX_MB} MB 上限`,
  415: '文件不是录音（支持 WAV、MP3、AMR、M4A、OGG），或文件已损坏',
};

interface Uploaded {
  recording: { reference: string; checksum: string; sizeBytes: number };
  state: { stage: string };
}

export function RecordingForm({ policyNo, attemptId, onRecorded }: { policyNo: string; attemptId: string; onRecorded: (what: string) => void }) {
  const [file, setFile] = useState<File>();
  const { busy, error, setError, send } = useSubmit();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return setError('请选择录音文件');
    if (file.size > MAX_MB * 1024 * 1024) return setError(REFUSALS[413]);
    const extension = file.name.slice(file.name.lastIndexOf('.') + 1).toLowerCase();
    const type = file.type.startsWith('audio/') ? file.type : TYPE_BY_EXTENSION[extension];
    if (!type) return setError(REFUSALS[415]);
    await send(async () => {
      const { recording, state } = await sendFile<Uploaded>(`/v1/callbacks/${policyNo}/attempts/${attemptId}/recording`, file, type, REFUSALS);
      const kb = Math.max(1, Math.round(recording.sizeBytes / 1024));
      onRecorded(`录音已上传并核验（${kb} KB，校验值 ${recording.checksum.slice(7, 19)}…）；回访状态：${CALLBACK_STAGES[state.stage] ?? state.stage}`);
    });
  }

  return (
    <form onSubmit={submit} noValidate aria-label="上传录音">
      <h2>回访录音</h2>
      <label>
        录音文件（WAV、MP3、AMR、M4A 或 OGG，{MAX_MB} MB 以内）
        <input type="file" name="recording" accept={ACCEPTED} onChange={(e) => (setError(''), setFile(e.target.files?.[0]))} />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? '正在上传…' : '上传录音'}
      </button>
    </form>
  );
}
