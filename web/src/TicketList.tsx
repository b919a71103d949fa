/**
 * A list of tickets (from GET /v1/tickets, already narrowed by the API to the caller's own), most
 * urgent first: overdue, then the earliest due time, then the oldest. With `picked`, each item has a
 * box to take several at once (the tier-3 handler's bulk dispatch).
 */
import { useState } from 'react';
import { TICKET_STAGES, TICKET_TYPES, dueBy, when } from './labels';

/** How many a list shows at first, and more on each press of 显示更多. */
const PAGE = 30;

export interface TicketSummary {
  ticketId: string;
  policyNo: string;
  type: string;
  reasonsInWords?: string;
  stage: string;
  dueAt?: string;
  overdue: boolean;
  tier4Office: string;
  agentCode: string;
  startedAt: string;
}

const at = (iso?: string) => (iso ? Date.parse(iso) : Number.MAX_SAFE_INTEGER);

/** Most urgent first. */
export function byUrgency(a: TicketSummary, b: TicketSummary): number {
  return Number(b.overdue) - Number(a.overdue) || at(a.dueAt) - at(b.dueAt) || at(a.startedAt) - at(b.startedAt);
}

interface Props {
  tickets: TicketSummary[];
  chosen?: string;
  onChoose: (id: string) => void;
  empty?: string;
  picked?: Set<string>;
  onPick?: (id: string, on: boolean) => void;
}

export function TicketList({ tickets, chosen, onChoose, empty = '没有转办件。', picked, onPick }: Props) {
  const [shown, setShown] = useState(PAGE);
  if (tickets.length === 0) return <p className="note">{empty}</p>;
  return (
    <div className="list">
      {[...tickets].sort(byUrgency).slice(0, shown).map((t) => (
        <div key={t.ticketId} className="pickable">
          {onPick && <input type="checkbox" aria-label={`选择 ${t.ticketId}`} checked={picked?.has(t.ticketId) ?? false} onChange={(e) => onPick(t.ticketId, e.target.checked)} />}
          <button className={`item secondary${t.ticketId === chosen ? ' selected' : ''}`} style={{ textAlign: 'left' }} onClick={() => onChoose(t.ticketId)}>
            <h3>
              {t.ticketId} <span className="tag">{TICKET_TYPES[t.type]}</span> {t.overdue && <span className="tag overdue">已超时</span>}
            </h3>
            {t.reasonsInWords && <strong>{t.reasonsInWords}</strong>} {TICKET_STAGES[t.stage]} · {t.tier4Office} · 业务人员 {t.agentCode}
            <br />
            <span className="note">
              开单 {when(t.startedAt)}
              {t.dueAt && t.stage !== 'CLOSED' && <> · 回复时限 {dueBy(t.dueAt)}</>}
            </span>
          </button>
        </div>
      ))}
      {tickets.length > shown && (
        <button className="secondary" onClick={() => setShown(shown + PAGE)}>
          显示更多（还有 {tickets.length - shown} 件）
        </button>
      )}
    </div>
  );
}
