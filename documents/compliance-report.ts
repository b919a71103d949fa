/**
 * The compliance figures (domain/compliance.ts) as a table, CSV (UTF-8 with BOM, so Excel reads the
 * Chinese labels) or .xlsx in the registers' house style. Served by the API and written by the CLI,
 * so both give the same document. The workbook is stamped with the period's last day: the same
 * figures give the same bytes.
 */
import { complianceRows, type ComplianceFigures } from '../domain/compliance';
import { buildRegisterWorkbook } from './register-sheet';

export const COMPLIANCE_FORMATS = ['json', 'table', 'csv', 'xlsx'] as const;
export type ComplianceFormat = (typeof COMPLIANCE_FORMATS)[number];

export const COMPLIANCE_CONTENT_TYPES: Record<Exclude<ComplianceFormat, 'table'>, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function complianceFileName(f: ComplianceFigures, format: 'csv' | 'xlsx'): string {
  return `compliance-${f.office}-${f.period.from}-${f.period.to}.${format}`;
}

export function complianceTable(f: ComplianceFigures): string {
  const rows = complianceRows(f);
  const width = Math.max(...rows.map(([label]) => displayWidth(label)));
  return rows.map(([label, value]) => `${label}${' '.repeat(width - displayWidth(label) + 2)}${value}`).join('\n') + '\n';
}

export function complianceCsv(f: ComplianceFigures): string {
  const cell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return '\ufeff' + [['指标', '数值'], ...complianceRows(f)].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function complianceXlsx(f: ComplianceFigures, timeZone: string): Promise<Buffer> {
  return buildRegisterWorkbook({
    title: `回访合规指标 ${f.office} ${f.period.from}-${f.period.to}`,
    sheetName: '回访合规指标',
    heading: `回访合规指标　机构：${f.office}　期间：${f.period.from} 至 ${f.period.to}`,
    columns: [
      { header: '指标', width: 72 },
      { header: '数值', width: 44 },
    ],
    rows: complianceRows(f),
    date: f.period.to,
    timeZone,
  });
}

/** Columns a terminal gives a string: CJK and full-width characters take two. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
