/**
 * The outcome of one call attempt: the questionnaire for a completed call, checked before sending.
 * Quick from the keyboard: in a question, Y / N / U (or 1 / 2 / 3) answers 是 / 否 / 不清楚 and
 * moves to the next; after the last, the focus is on the submit button.
 */
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { api } from './api';
import { useSubmit } from './hooks';
import { ANSWER_LABELS, OUTCOMES, when } from './labels';

/** Keys that answer a question: Y/1 是, N/2 否, U/3 不清楚. */
const ANSWER_KEYS: Record<string, string> = { y: 'yes', '1': 'yes', n: 'no', '2': 'no', u: 'unclear', '3': 'unclear' };

interface Props {
  policyNo: string;
  attempt: { attemptId: string; attemptNo: number; slot: { end: string } };
  questions: { id: string; text: string }[];
  onRecorded: (attemptNo: number, outcome: string) => Promise<void>;
}

/** A datetime-local value (Beijing time) as an ISO instant with its offset, as the API wants it. */
const beijing = (local: string) => `${local.length === 16 ? `${local}:00` : local}+08:00`;

export function OutcomeForm({ policyNo, attempt, questions, onRecorded }: Props) {
  const [outcome, setOutcome] = useState('');
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [callBackAt, setCallBackAt] = useState('');
  const [note, setNote] = useState('');
  const { busy, error, setError, send } = useSubmit();
  // A message about what was there before goes once the user changes it.
  const edit = <T,>(set: (v: T) => void) => (v: T) => (setError(''), set(v));

  function problems(): string | undefined {
    if (!outcome) return '请选择本次回访结果';
    if (outcome === 'completed') {
      const missing = questions.filter((q) => !answers[q.id]);
      if (missing.length) return `请回答全部问题：还有 ${missing.map((q) => `“${q.text}”`).join('、')}`;
    }
    if (outcome === 'callback-later') {
      if (!callBackAt) return '请填写客户约定的再回访时间';
      if (Date.parse(beijing(callBackAt)) <= Date.now()) return '约定的再回访时间须在现在之后';
    }
    return undefined;
  }

  /** A key in question `i`: answer it and go on to the next question (or the submit button). */
  function answerByKey(e: KeyboardEvent<HTMLFieldSetElement>, i: number) {
    const answer = ANSWER_KEYS[e.key.toLowerCase()];
    if (!answer || e.ctrlKey || e.metaKey || e.altKey) return;
    e.preventDefault();
    const q = questions[i];
    edit(setAnswers)({ ...answers, [q.id]: answer });
    const form = e.currentTarget.form;
    const next = questions[i + 1];
    const target = next ? form?.querySelector<HTMLInputElement>(`input[name="${next.id}"]`) : form?.querySelector<HTMLButtonElement>('button[type="submit"]');
    target?.focus();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problem = problems();
    if (problem) return setError(problem);
    await send(async () => {
      await api<{ stage: string }>(`/v1/callbacks/${policyNo}/attempts/${attempt.attemptId}/outcome`, {
        method: 'POST',
        body: {
          outcome,
          ...(outcome === 'completed' ? { answers } : {}),
          ...(outcome === 'callback-later' ? { callBackAt: beijing(callBackAt) } : {}),
          ...(note.trim() ? { note: note.trim() } : {}),
        },
      });
      await onRecorded(attempt.attemptNo, outcome);
    });
  }

  return (
    <form onSubmit={submit} noValidate aria-label="本次拨打">
      <h2>
        第 {attempt.attemptNo} 次拨打 <span className="note">（本时段至 {when(attempt.slot.end)}）</span>
      </h2>
      <label>
        回访结果
        <select name="outcome" value={outcome} onChange={(e) => edit(setOutcome)(e.target.value)}>
          <option value="">请选择…</option>
          {Object.entries(OUTCOMES).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </label>
      {outcome === 'completed' && <p className="note">键盘作答：Y 是 · N 否 · U 不清楚（或 1 / 2 / 3），自动跳到下一题</p>}
      {outcome === 'completed' &&
        questions.map((q, i) => (
          <fieldset key={q.id} onKeyDown={(e) => answerByKey(e, i)}>
            <legend>
              {i + 1}. {q.text}
            </legend>
            {Object.entries(ANSWER_LABELS).map(([k, v]) => (
              <label key={k}>
                <input type="radio" name={q.id} value={k} checked={answers[q.id] === k} onChange={() => edit(setAnswers)({ ...answers, [q.id]: k })} />
                {v}
              </label>
            ))}
          </fieldset>
        ))}
      {outcome === 'callback-later' && (
        <label>
          约定再回访时间（北京时间）
          <input type="datetime-local" name="callBackAt" value={callBackAt} onChange={(e) => edit(setCallBackAt)(e.target.value)} />
        </label>
      )}
      <label>
        备注（可选）
        <textarea name="note" rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy}>
        提交回访结果
      </button>
    </form>
  );
}
