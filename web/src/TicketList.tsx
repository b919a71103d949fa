/** A list of tickets (from GET /v1/tickets, already narrowed by the API to the caller's own). */
import { TICKET_STAGES, TICKET_TYPES, dueBy } from './labels';

export interface TicketSummary {
  ticketId: string;
  policyNo: string;
  type: string;
  stage: string;
  dueAt?: string;
  overdue: boolean;
  agentCode: string;
}

export function TicketList({ tickets, chosen, onChoose }: { tickets: TicketSummary[]; chosen?: string; onChoose: (id: string) => void }) {
  if (tickets.length === 0) return <p className="note">没有转办件。</p>;
  return (
    <div className="list">
      {tickets.map((t) => (
        <button key={t.ticketId} className={`item secondary${t.ticketId === chosen ? ' selected' : ''}`} style={{ textAlign: 'left' }} onClick={() => onChoose(t.ticketId)}>
          <h3>
            {t.ticketId} <span className="tag">{TICKET_TYPES[t.type]}</span> {t.overdue && <span className="tag overdue">已超时</span>}
          </h3>
          {TICKET_STAGES[t.stage]} · 业务人员 {t.agentCode}
          {t.dueAt && <> · 时限 {dueBy(t.dueAt)}</>}
        </button>
      ))}
    </div>
  );
}
