/** Reading back a workbook the way a person sees it: the first sheet's rows, each cell as text. */
import { Workbook } from 'exceljs';

export async function xlsxRows(content: Buffer): Promise<string[][]> {
  const workbook = new Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const rows: string[][] = [];
  workbook.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  return rows;
}
