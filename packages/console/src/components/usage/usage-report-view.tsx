import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import type { UsageReport } from '@smart-ai-hub/sdk';
import { formatCount, formatCredits } from '../format.js';
import { StatCard } from '../stat-card.js';
import { TableRegion } from '../table-region.js';
import { type Bar, BarChart } from './bar-chart.js';
import { download, usageCsv } from './usage-csv.js';

function sumBy(
  report: UsageReport,
  key: 'day' | 'model',
  value: (b: UsageReport['data'][number]) => number,
): Bar[] {
  const sums = new Map<string, number>();
  for (const bucket of report.data) sums.set(bucket[key], (sums.get(bucket[key]) ?? 0) + value(bucket));
  return [...sums].map(([label, v]) => ({ label, value: v }));
}

const tokens = (b: UsageReport['data'][number]) => b.inputTokens + b.outputTokens;
// Sums of credits in floating point: round to the micro-credit the hub counts in.
const credits = (b: UsageReport['data'][number]) => b.cost;
const roundBars = (bars: Bar[]) => bars.map((b) => ({ ...b, value: Math.round(b.value * 1e6) / 1e6 }));

/** Totals, charts by day and by model (tokens, cost), the rows, and a CSV export. */
export function UsageReportView({ report, filename }: { report: UsageReport; filename: string }) {
  const byModel = [...sumBy(report, 'model', credits)].sort((a, b) => b.value - a.value);
  return (
    <>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mb: 2 }}>
        <StatCard label="Requests" value={formatCount(report.totals.requests)} />
        <StatCard label="Input tokens" value={formatCount(report.totals.inputTokens)} />
        <StatCard label="Output tokens" value={formatCount(report.totals.outputTokens)} />
        <StatCard label="Cost" value={formatCredits(report.totals.cost)} hint="credits" />
      </Stack>
      <Grid container spacing={2} sx={{ mb: 2 }}>
        <Grid size={{ xs: 12, md: 6 }}>
          <BarChart
            title="Cost by day (credits)"
            bars={roundBars(sumBy(report, 'day', credits))}
            format={formatCredits}
          />
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <BarChart
            title="Tokens by day"
            bars={sumBy(report, 'day', tokens)}
            format={formatCount}
            color="secondary.main"
          />
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <BarChart title="Cost by model (credits)" bars={roundBars(byModel)} format={formatCredits} />
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <BarChart
            title="Tokens by model"
            bars={sumBy(report, 'model', tokens)}
            format={formatCount}
            color="secondary.main"
          />
        </Grid>
      </Grid>
      <Button
        variant="outlined"
        onClick={() => download(filename, usageCsv(report))}
        disabled={report.data.length === 0}
        sx={{ mb: 2 }}
      >
        Export CSV
      </Button>
      <TableRegion label="Use by day and model">
        <Table size="small">
          <caption>Use by day and model</caption>
          <TableHead>
            <TableRow>
              <TableCell>Day</TableCell>
              <TableCell>Model</TableCell>
              <TableCell align="right">Requests</TableCell>
              <TableCell align="right">Input tokens</TableCell>
              <TableCell align="right">Output tokens</TableCell>
              <TableCell align="right">Cost (credits)</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {report.data.map((b) => (
              <TableRow key={`${b.day} ${b.model}`} data-testid="usage-row">
                <TableCell>{b.day}</TableCell>
                <TableCell>{b.model}</TableCell>
                <TableCell align="right">{formatCount(b.requests)}</TableCell>
                <TableCell align="right">{formatCount(b.inputTokens)}</TableCell>
                <TableCell align="right">{formatCount(b.outputTokens)}</TableCell>
                <TableCell align="right">{formatCredits(b.cost)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableRegion>
    </>
  );
}
