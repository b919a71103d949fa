/**
 * The tier-3 handler's day: new transfer orders to dispatch (several at once), tickets waiting for
 * replies (due time, overdue), orders to archive, each list most urgent first and filtered by
 * policy, type, tier-4 office or overdue; the day's register, waivers to verify, and the office's
 * compliance figures over time.
 */
import { useState } from 'react';
import { api, download, type Principal } from './api';
import { ComplianceChart } from './ComplianceChart';
import { LIST_REFRESH_MS, useLoad, useSubmit } from './hooks';
import { TICKET_TYPES } from './labels';
import { ListHeading } from './ListHeading';
import { TicketDetail } from './TicketDetail';
import { TicketList, type TicketSummary } from './TicketList';
import { WaiverQueue } from './WaiverQueue';

const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

const GROUPS: { title: string; stages: string[]; empty: string }[] = [
  { title: '新转办单（待派发）', stages: ['AWAITING_DISPATCH'], empty: '没有待派发的转办单。' },
  { title: '等待回复', stages: ['DISPATCHED', 'WITH_AGENT', 'SIGNED', 'REPLIED'], empty: '没有等待回复的转办单。' },
  { title: '待归档', stages: ['COLLECTED'], empty: '没有待归档的转办单。' },
];

interface Filter {
  policyNo: string;
  type: string;
  tier4Office: string;
  overdueOnly: boolean;
}

const matches = (f: Filter) => (t: TicketSummary) =>
  (!f.policyNo || t.policyNo.includes(f.policyNo.trim()) || t.ticketId.includes(f.policyNo.trim())) &&
  (!f.type || t.type === f.type) &&
  (!f.tier4Office || t.tier4Office === f.tier4Office) &&
  (!f.overdueOnly || t.overdue);

export function Tier3Page({ principal }: { principal: Principal }) {
  const { data, error, reload: load } = useLoad<{ tickets: TicketSummary[] }>('/v1/tickets?limit=1000', LIST_REFRESH_MS);
  const tickets = data?.tickets ?? [];
  const [chosen, setChosen] = useState<string>();
  const [filter, setFilter] = useState<Filter>({ policyNo: '', type: '', tier4Office: '', overdueOnly: false });
  const set = (patch: Partial<Filter>) => setFilter({ ...filter, ...patch });
  const offices = [...new Set(tickets.map((t) => t.tier4Office))].sort();
  const shown = tickets.filter(matches(filter));
  const office = principal.office!;
  return (
    <>
      <div className="cols">
        <section>
          <ListHeading title="转办单" error={error} onRefresh={load} />
          <div className="filters" role="search">
            <label>
              保单号或转办单号
              <input name="search" value={filter.policyNo} onChange={(e) => set({ policyNo: e.target.value })} />
            </label>
            <label>
              类型
              <select name="type" value={filter.type} onChange={(e) => set({ type: e.target.value })}>
                <option value="">全部</option>
                {Object.entries(TICKET_TYPES).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
            <label>
              四级机构
              <select name="tier4Office" value={filter.tier4Office} onChange={(e) => set({ tier4Office: e.target.value })}>
                <option value="">全部</option>
                {offices.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            </label>
            <label className="inline">
              <input type="checkbox" checked={filter.overdueOnly} onChange={(e) => set({ overdueOnly: e.target.checked })} /> 只看已超时
            </label>
          </div>
          {data && <DispatchGroup tickets={shown.filter((t) => t.stage === 'AWAITING_DISPATCH')} chosen={chosen} onChoose={setChosen} onDispatched={load} />}
          {GROUPS.slice(1).map((g) => (
            <div key={g.title}>
              <h2>
                {g.title}（{shown.filter((t) => g.stages.includes(t.stage)).length}）
              </h2>
              {data && <TicketList tickets={shown.filter((t) => g.stages.includes(t.stage))} chosen={chosen} onChoose={setChosen} empty={g.empty} />}
            </div>
          ))}
          <RegisterDownload office={office} />
        </section>
        {chosen && <TicketDetail key={chosen} ticketId={chosen} principal={principal} onChanged={load} />}
      </div>
      <WaiverQueue />
      <ComplianceChart office={office} />
    </>
  );
}

/** New orders, with boxes to dispatch several at once; what went and what did not is said after. */
function DispatchGroup({ tickets, chosen, onChoose, onDispatched }: { tickets: TicketSummary[]; chosen?: string; onChoose: (id: string) => void; onDispatched: () => void }) {
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [done, setDone] = useState('');
  const { busy, error, setError, send } = useSubmit();
  const pick = (id: string, on: boolean) => {
    const next = new Set(picked);
    if (on) next.add(id);
    else next.delete(id);
    setPicked(next);
  };
  const still = tickets.filter((t) => picked.has(t.ticketId)).map((t) => t.ticketId);
  const dispatch = () => {
    setDone('');
    if (still.length === 0) return setError('请先勾选要派发的转办单');
    void send(async () => {
      const failed: string[] = [];
      for (const id of still) {
        await api(`/v1/tickets/${id}/steps`, { method: 'POST', body: { step: 'dispatch' } }).catch((e: Error) => failed.push(`${id}：${e.message}`));
      }
      setPicked(new Set());
      setDone(`已派发 ${still.length - failed.length} 件`);
      if (failed.length) setError(`未派发 ${failed.length} 件：${failed.join('；')}`);
      onDispatched();
    });
  };
  const group = GROUPS[0];
  return (
    <div>
      <h2>
        {group.title}（{tickets.length}）
      </h2>
      {tickets.length > 0 && (
        <p>
          <button className="secondary" onClick={() => setPicked(new Set(tickets.map((t) => t.ticketId)))}>
            全选
          </button>{' '}
          <button disabled={busy} onClick={dispatch}>
            派发所选（{still.length}）
          </button>
        </p>
      )}
      {done && (
        <p className="ok" role="status">
          {done}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <TicketList tickets={tickets} chosen={chosen} onChoose={onChoose} empty={group.empty} picked={picked} onPick={pick} />
    </div>
  );
}

/** The day's register: the button says while it is being made, and a failure shows beside it. */
function RegisterDownload({ office }: { office: string }) {
  const [day, setDay] = useState(today);
  const { busy, error, setError, send } = useSubmit();
  const get = () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return setError('请选择日期');
    void send(() => download(`/v1/registers/${office}/${day}.xlsx`, `转办单明细簿-${office}-${day}.xlsx`));
  };
  return (
    <div aria-label="明细簿">
      <h2>业务人员转办单明细簿</h2>
      <label>
        日期
        <input type="date" value={day} onChange={(e) => (setError(''), setDay(e.target.value))} />
      </label>
      <button disabled={busy} onClick={get}>
        {busy ? '正在生成明细簿…' : '下载明细簿'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
