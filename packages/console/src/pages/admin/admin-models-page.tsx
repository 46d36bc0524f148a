import LinearProgress from '@mui/material/LinearProgress';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useModels } from '@smart-ai-hub/react';
import { ErrorAlert } from '../../components/error-alert.js';
import { formatCount, formatCredits } from '../../components/format.js';
import { PageTitle } from '../../components/page-title.js';
import { TableRegion } from '../../components/table-region.js';

/** Every model with its aliases, prices and limits (from the hub's catalog). */
export default function AdminModelsPage() {
  const { models, loading, error } = useModels();
  return (
    <>
      <PageTitle>Models and prices</PageTitle>
      <Typography color="text.secondary" sx={{ mb: 1 }}>
        Prices are credits per million tokens; they come from the hub's configuration (HUB_CONFIG).
      </Typography>
      {loading && models.length === 0 && <LinearProgress aria-label="Loading models" />}
      <ErrorAlert error={error} />
      <TableRegion label="Models">
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>Model</TableCell>
              <TableCell>Aliases</TableCell>
              <TableCell>Provider</TableCell>
              <TableCell align="right">Input price</TableCell>
              <TableCell align="right">Output price</TableCell>
              <TableCell align="right">Cached answer</TableCell>
              <TableCell align="right">Context window</TableCell>
              <TableCell align="right">Max output</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {models.map((m) => (
              <TableRow key={m.id} data-testid="model-row">
                <TableCell>{m.id}</TableCell>
                <TableCell>{m.aliases.join(', ') || '—'}</TableCell>
                <TableCell>{m.provider}</TableCell>
                <TableCell align="right">{formatCredits(m.inputPrice)}</TableCell>
                <TableCell align="right">{formatCredits(m.outputPrice)}</TableCell>
                <TableCell align="right">
                  {m.cachePrice === null ? 'its tokens' : formatCredits(m.cachePrice)}
                </TableCell>
                <TableCell align="right">{formatCount(m.contextWindow)}</TableCell>
                <TableCell align="right">{formatCount(m.maxOutputTokens)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableRegion>
    </>
  );
}
