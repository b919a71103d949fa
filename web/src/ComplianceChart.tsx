/** An office's compliance figures, month by month (GET /v1/compliance/:office), as bars of the success rate. */
import { useEffect, useState } from 'react';
import { api } from './api';

interface Ratio {
  count: number;
  of: number;
  rate?: number;
}
interface Figures {
  period: { from: string; to: string };
  needingCallback: number;
  successRate: Ratio;
  /** Successful phone callbacks on a call inside the cooling-off period (domain/compliance.ts). */
  calledInCoolingOff: Ratio;
  completed: { total: number; byPhone: number; byECallback?: number; byLetter: number; byOnsite: number };
  escalation: { escalated: number; unresolved: number; closedByBranch: number };
  /** Sampled rules (R3): drawn for a callback over the policies the rule applied to, against its ratio. */
  sampling: { ruleId: string; ratio: number; called: Ratio; atLeastRatio: boolean }[];
  fallback: Ratio & { cap: number };
  tickets: { opened: number; overdue: number };
}

/** The last `n` months, oldest first, as [first day, last day]. */
function months(n: number): [string, string][] {
  const now = new Date();
  return Array.from({ length: n }, (_, i) => {
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (n - 1 - i), 1));
    const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0));
    return [first.toISOString().slice(0, 10), last.toISOString().slice(0, 10)];
  });
}
const pct = (r?: Ratio) => (r?.rate === undefined ? '—' : `${(r.rate * 100).toFixed(1)}%`);

export function ComplianceChart({ office }: { office: string }) {
  const [rows, setRows] = useState<Figures[]>();
  const [error, setError] = useState('');
  useEffect(() => {
    Promise.all(months(6).map(([from, to]) => api<Figures>(`/v1/compliance/${office}?from=${from}&to=${to}`))).then(setRows, (e) => setError(e.message));
  }, [office]);
  return (
    <section className="card" aria-label="合规指标">
      <h2>{office} 回访合规指标（按回执签收月份）</h2>
      {error && <p className="error">{error}</p>}
      {rows && (
        <>
          <svg className="chart" viewBox="0 0 600 160" role="img" aria-label="回访成功率趋势">
            {rows.map((r, i) => {
              const h = (r.successRate.rate ?? 0) * 100;
              return (
                <g key={r.period.from}>
                  <rect x={20 + i * 95} y={130 - h} width={60} height={h} fill="#0b6bcb" />
                  <text x={50 + i * 95} y={125 - h} textAnchor="middle" fontSize="12">
                    {pct(r.successRate)}
                  </text>
                  <text x={50 + i * 95} y={150} textAnchor="middle" fontSize="12">
                    {r.period.from.slice(0, 7)}
                  </text>
                </g>
              );
            })}
          </svg>
          <table>
            <thead>
              <tr>
                <th>月份</th>
                <th>需回访</th>
                <th>回访成功率</th>
                <th>犹豫期内电话回访成功率</th>
                <th>回访成功：电话 / 电子化 / 信函 / 上门</th>
                <th>上报分公司：待处理 / 分公司结案</th>
                <th>抽样回访比例</th>
                <th>信函+上门占比</th>
                <th>转办件 / 超时</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.period.from}>
                  <td>{r.period.from.slice(0, 7)}</td>
                  <td>{r.needingCallback}</td>
                  <td>{pct(r.successRate)}</td>
                  <td>{pct(r.calledInCoolingOff)}</td>
                  <td>
                    {r.completed.byPhone} / {r.completed.byECallback ?? 0} / {r.completed.byLetter} / {r.completed.byOnsite}
                  </td>
                  <td>
                    {r.escalation.escalated}：{r.escalation.unresolved} / {r.escalation.closedByBranch}
                  </td>
                  <td>
                    {r.sampling.length === 0
                      ? '—'
                      : r.sampling.map((s) => (
                          <span key={`${s.ruleId}-${s.ratio}`} className={s.atLeastRatio ? undefined : 'error'}>
                            {s.ruleId} {pct(s.called)}（不低于 {(s.ratio * 100).toFixed(0)}%{s.atLeastRatio ? '' : '，未达标'}）{' '}
                          </span>
                        ))}
                  </td>
                  <td>
                    {pct(r.fallback)}（上限 {(r.fallback.cap * 100).toFixed(0)}%）
                  </td>
                  <td>
                    {r.tickets.opened} / {r.tickets.overdue}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
