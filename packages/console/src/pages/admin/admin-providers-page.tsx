import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useHubQuery } from '@smart-ai-hub/react';
import type { DeploymentInfo } from '@smart-ai-hub/sdk';
import { ErrorAlert } from '../../components/error-alert.js';
import { formatTime } from '../../components/format.js';
import { PageTitle } from '../../components/page-title.js';
import { TableRegion } from '../../components/table-region.js';

const CIRCUIT: Record<DeploymentInfo['circuit'], { label: string; color: 'success' | 'error' | 'default' }> =
  {
    closed: { label: 'healthy (circuit closed)', color: 'success' },
    half_open: { label: 'trying again (half open)', color: 'default' },
    open: { label: 'failing (circuit open)', color: 'error' },
  };

/** The deployments behind the models: health, circuit state, failures in a row. */
export default function AdminProvidersPage() {
  const providers = useHubQuery((client, signal) => client.admin.providers({ signal }), []);
  return (
    <>
      <PageTitle>Providers</PageTitle>
      <Typography color="text.secondary" sx={{ mb: 1 }}>
        A deployment whose calls keep failing is skipped (its circuit opens) until a trial call succeeds.
      </Typography>
      <Button onClick={() => void providers.refresh()} disabled={providers.loading} sx={{ mb: 1 }}>
        Refresh
      </Button>
      {providers.loading && <LinearProgress aria-label="Loading providers" />}
      <ErrorAlert error={providers.error} />
      <TableRegion label="Deployments">
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>Deployment</TableCell>
              <TableCell>Provider</TableCell>
              <TableCell>Upstream model</TableCell>
              <TableCell>Serves</TableCell>
              <TableCell>Health</TableCell>
              <TableCell align="right">Failures in a row</TableCell>
              <TableCell>Retry at</TableCell>
              <TableCell>Key set</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {providers.data?.map((d) => (
              <TableRow key={d.id} data-testid="deployment-row">
                <TableCell>{d.id}</TableCell>
                <TableCell>{d.provider}</TableCell>
                <TableCell>{d.upstreamModel}</TableCell>
                <TableCell>{d.models.join(', ')}</TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    variant="outlined"
                    label={CIRCUIT[d.circuit].label}
                    color={CIRCUIT[d.circuit].color}
                  />
                </TableCell>
                <TableCell align="right">{d.consecutiveFailures}</TableCell>
                <TableCell>{d.retryAt ? formatTime(d.retryAt) : '—'}</TableCell>
                <TableCell>{d.hasKey ? 'yes' : 'no'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableRegion>
    </>
  );
}
