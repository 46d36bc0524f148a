import type { UsageReport } from '@smart-ai-hub/sdk';

/** The report's rows as CSV (day, model, requests, tokens, cost in credits). */
export function usageCsv(report: UsageReport): string {
  const rows = [['day', 'model', 'requests', 'input_tokens', 'output_tokens', 'cost_credits']];
  for (const b of report.data) {
    rows.push([
      b.day,
      b.model,
      String(b.requests),
      String(b.inputTokens),
      String(b.outputTokens),
      String(b.cost),
    ]);
  }
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

function csvField(value: string): string {
  // Quote what needs it; a leading =, +, - or @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Offers `text` as a file download. */
export function download(filename: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
