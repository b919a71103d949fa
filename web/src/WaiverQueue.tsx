/**
 * The tier-3 handler's waivers to verify (免回访申请): look at the signed statement, then accept, or
 * reject with the reason the reporter must fix (POST /v1/callbacks/:policyNo/waiver/decision).
 */
import { useEffect, useState } from 'react';
import { api, documentUrl, download } from './api';
import { LIST_REFRESH_MS, useLoad, useSubmit } from './hooks';
import { CALLBACK_STAGES, lastDay, when } from './labels';
import { ListHeading } from './ListHeading';

interface PendingWaiver {
  policyNo: string;
  tier4Office: string;
  agentCode: string;
  stage: string;
  coolingOffEndsAt?: string;
  statementRef: string;
  reportedBy: { role: string; id: string };
  reportedAt: string;
  note?: string;
}

/** One report of a waiver (a policy may report again after a rejection). */
const keyOf = (w: PendingWaiver) => `${w.policyNo}@${w.reportedAt}`;

export function WaiverQueue() {
  const { data, error, reload } = useLoad<{ waivers: PendingWaiver[] }>('/v1/waivers/pending', LIST_REFRESH_MS);
  const [done, setDone] = useState('');
  // Decided here: gone from the list at once (the record may be a moment behind the decision the API confirmed).
  const [decided, setDecided] = useState<ReadonlySet<string>>(new Set());
  const waivers = data?.waivers.filter((w) => !decided.has(keyOf(w)));
  return (
    <section>
      <ListHeading title="待审核免回访" error={error} onRefresh={reload} />
      {done && (
        <p className="ok" role="status">
          {done}
        </p>
      )}
      {waivers?.length === 0 && <p className="note">没有待审核的免回访申请。</p>}
      <div className="list">
        {waivers?.map((w) => <WaiverItem key={keyOf(w)} waiver={w} onDecided={(what) => (setDone(what), setDecided(new Set([...decided, keyOf(w)])), reload())} />)}
      </div>
    </section>
  );
}

function WaiverItem({ waiver: w, onDecided }: { waiver: PendingWaiver; onDecided: (what: string) => void }) {
  const [reason, setReason] = useState('');
  const { busy, error, setError, send } = useSubmit();
  const decide = (accepted: boolean) => {
    if (!accepted && !reason.trim()) return setError('驳回须填写原因，以便申请人补正');
    void send(async () => {
      await api(`/v1/callbacks/${w.policyNo}/waiver/decision`, { method: 'POST', body: accepted ? { accepted } : { accepted, reason: reason.trim() } });
      onDecided(accepted ? `已同意保单 ${w.policyNo} 免回访，该保单回访已结束` : `已驳回保单 ${w.policyNo} 的免回访申请（${reason.trim()}），回访照常进行`);
    });
  };
  return (
    <div className="item" aria-label={`免回访 ${w.policyNo}`}>
      <h3>
        {w.policyNo} <span className="tag">{CALLBACK_STAGES[w.stage] ?? w.stage}</span>
      </h3>
      {w.tier4Office} · 业务人员 {w.agentCode} · 申请人 {w.reportedBy.id} · {when(w.reportedAt)} · 犹豫期至 {lastDay(w.coolingOffEndsAt)}
      {w.note && <p className="note">{w.note}</p>}
      <StatementView statementRef={w.statementRef} onError={setError} />
      <label>
        驳回原因
        <input name="reason" value={reason} onChange={(e) => (setError(''), setReason(e.target.value))} />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button disabled={busy} onClick={() => decide(true)}>
        同意免回访
      </button>{' '}
      <button className="secondary" disabled={busy} onClick={() => decide(false)}>
        驳回
      </button>
    </div>
  );
}

/** The signed statement shown in the page, beside the decision it supports (a download as well, for the file). */
function StatementView({ statementRef, onError }: { statementRef: string; onError: (message: string) => void }) {
  const [shown, setShown] = useState<{ url: string; type: string }>();
  useEffect(() => () => shown && URL.revokeObjectURL(shown.url), [shown]);
  const path = `/v1/documents/${statementRef}`;
  const name = statementRef.split('/').pop()!;
  return (
    <>
      <p>
        <button className="secondary" onClick={() => (shown ? setShown(undefined) : documentUrl(path).then(setShown, (e: Error) => onError(e.message)))}>
          {shown ? '收起签字声明书' : '查看签字声明书'}
        </button>{' '}
        <button className="link" onClick={() => download(path, name).catch((e: Error) => onError(e.message))}>
          下载
        </button>
      </p>
      {shown &&
        (shown.type.startsWith('image/') ? (
          <img className="viewer" src={shown.url} alt={`签字声明书 ${name}`} />
        ) : (
          <iframe className="viewer" src={shown.url} title={`签字声明书 ${name}`} />
        ))}
    </>
  );
}
