import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useApiKeys, useModels } from '@smart-ai-hub/react';
import type { ApiKeyInfo, CreatedApiKey } from '@smart-ai-hub/sdk';
import { useState } from 'react';
import { BusyButton } from '../components/busy-button.js';
import { CopyButton } from '../components/copy-button.js';
import { ErrorAlert } from '../components/error-alert.js';
import { formatCredits, formatTime } from '../components/format.js';
import { PageTitle } from '../components/page-title.js';
import { TableRegion } from '../components/table-region.js';
import { useAction } from '../components/use-action.js';
import { VisuallyHidden } from '../components/visually-hidden.js';
import { CreateKeyForm } from './api-keys/create-key-form.js';

function keyState(key: ApiKeyInfo): { label: string; color: 'success' | 'default' | 'error' } {
  if (key.revokedAt) return { label: 'Revoked', color: 'default' };
  if (key.expiresAt && Date.parse(key.expiresAt) <= Date.now()) return { label: 'Expired', color: 'error' };
  return { label: 'Active', color: 'success' };
}

/** Shows a new key once, with a copy button. */
function CreatedKeyDialog({ created, onClose }: { created: CreatedApiKey | null; onClose(): void }) {
  return (
    <Dialog open={created !== null} onClose={onClose} aria-labelledby="created-key-title" fullWidth>
      <DialogTitle id="created-key-title">Your new key “{created?.name}”</DialogTitle>
      <DialogContent>
        <DialogContentText>Copy it now: the hub never shows it again.</DialogContentText>
        <TextField
          label="API key"
          value={created?.key ?? ''}
          slotProps={{ htmlInput: { readOnly: true, 'data-testid': 'created-key' } }}
          onFocus={(event) => event.target.select()}
        />
        {created && <CopyButton text={created.key} label="Copy the key" />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} variant="contained">
          I have saved it
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** Asks before revoking: apps using the key stop working at once. */
function RevokeDialog(props: {
  apiKey: ApiKeyInfo | null;
  onClose(): void;
  revoke(id: string): Promise<void>;
}) {
  const revoke = useAction(async (id: string) => {
    await props.revoke(id);
    props.onClose();
  });
  return (
    <Dialog open={props.apiKey !== null} onClose={props.onClose} aria-labelledby="revoke-title">
      <DialogTitle id="revoke-title">Revoke “{props.apiKey?.name}”?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Apps using this key stop working at once, and so do the keys it made. This cannot be undone.
        </DialogContentText>
        <ErrorAlert error={revoke.error} />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <BusyButton
          color="error"
          busy={revoke.busy}
          onClick={() => props.apiKey && void revoke.run(props.apiKey.id)}
        >
          Revoke
        </BusyButton>
      </DialogActions>
    </Dialog>
  );
}

/** The user's API keys: make one (shown once), see when each was used, revoke. */
export default function ApiKeysPage() {
  const { keys, loading, error, create, revoke } = useApiKeys();
  const { models } = useModels();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyInfo | null>(null);
  return (
    <>
      <PageTitle>API keys</PageTitle>
      <Paper
        variant="outlined"
        sx={{ p: { xs: 2, sm: 3 }, mb: 3 }}
        component="section"
        aria-labelledby="new-key"
      >
        <Typography variant="h5" component="h2" id="new-key">
          New key
        </Typography>
        <CreateKeyForm models={models} create={create} onCreated={setCreated} />
      </Paper>
      <Typography variant="h5" component="h2" gutterBottom>
        Your keys
      </Typography>
      {loading && keys.length === 0 && <LinearProgress aria-label="Loading your keys" />}
      <ErrorAlert error={error} />
      {!loading && keys.length === 0 && <Typography color="text.secondary">No keys yet.</Typography>}
      {keys.length > 0 && (
        <TableRegion label="Your keys">
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell>
                <TableCell>Key</TableCell>
                <TableCell>Scopes</TableCell>
                <TableCell>Models</TableCell>
                <TableCell align="right">Spent / cap</TableCell>
                <TableCell>Last used</TableCell>
                <TableCell>Expires</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {keys.map((key) => {
                const state = keyState(key);
                return (
                  <TableRow key={key.id} data-testid="api-key-row">
                    <TableCell>{key.name}</TableCell>
                    <TableCell sx={{ fontFamily: 'monospace' }}>{key.prefix}…</TableCell>
                    <TableCell>{key.scopes.join(', ')}</TableCell>
                    <TableCell>{key.allowedModels?.join(', ') ?? 'every model'}</TableCell>
                    <TableCell align="right">
                      {formatCredits(key.spent)} /{' '}
                      {key.spendCap === null ? 'no cap' : formatCredits(key.spendCap)}
                    </TableCell>
                    <TableCell>{key.lastUsedAt ? formatTime(key.lastUsedAt) : 'never'}</TableCell>
                    <TableCell>{key.expiresAt ? formatTime(key.expiresAt) : 'never'}</TableCell>
                    <TableCell>
                      <Chip size="small" label={state.label} color={state.color} variant="outlined" />
                    </TableCell>
                    <TableCell>
                      {!key.revokedAt && (
                        <Button
                          color="error"
                          onClick={() => setRevoking(key)}
                          aria-label={`Revoke key ${key.name}`}
                        >
                          Revoke
                        </Button>
                      )}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </TableRegion>
      )}
      <CreatedKeyDialog created={created} onClose={() => setCreated(null)} />
      <RevokeDialog apiKey={revoking} onClose={() => setRevoking(null)} revoke={revoke} />
    </>
  );
}
