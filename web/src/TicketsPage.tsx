/** Tier-4 staff and agents: their tickets (an agent sees only its own), and the step that is theirs. */
import { useState } from 'react';
import type { Principal } from './api';
import { useLoad } from './hooks';
import { ListHeading } from './ListHeading';
import { TicketDetail } from './TicketDetail';
import { TicketList, type TicketSummary } from './TicketList';

export function TicketsPage({ principal }: { principal: Principal }) {
  const { data, error, reload: load } = useLoad<{ tickets: TicketSummary[] }>('/v1/tickets');
  const tickets = data?.tickets;
  const [chosen, setChosen] = useState<string>();
  return (
    <div className="cols">
      <section>
        <ListHeading title="我的转办件" error={error} onRefresh={load} />
        {tickets && <TicketList tickets={tickets} chosen={chosen} onChoose={setChosen} />}
      </section>
      {chosen && <TicketDetail key={chosen} ticketId={chosen} principal={principal} onChanged={load} />}
    </div>
  );
}
