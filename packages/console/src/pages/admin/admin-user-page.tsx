import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import Grid from '@mui/material/Grid';
import InputLabel from '@mui/material/InputLabel';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useAuth, useCredits, useHubClient, useHubQuery } from '@smart-ai-hub/react';
import type { HubUser, UserRole } from '@smart-ai-hub/sdk';
import { type ReactNode, useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router';
import { BusyButton } from '../../components/busy-button.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { formatCredits, formatTime } from '../../components/format.js';
import { newIdempotencyKey } from '../../components/new-idempotency-key.js';
import { PageTitle } from '../../components/page-title.js';
import { StatCard } from '../../components/stat-card.js';
import { TableRegion } from '../../components/table-region.js';
import { TransactionsTable } from '../../components/transactions-table.js';
import { useAction } from '../../components/use-action.js';

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Paper
      variant="outlined"
      sx={{ p: { xs: 2, sm: 3 }, height: '100%' }}
      component="section"
      aria-labelledby={id}
    >
      <Typography variant="h5" component="h2" id={id} gutterBottom>
        {title}
      </Typography>
      {children}
    </Paper>
  );
}

/** Role and disabling (admins; nobody demotes or disables themselves). */
function Access({ user, onChange }: { user: HubUser; onChange(user: HubUser): void }) {
  const client = useHubClient();
  const me = useAuth().user;
  const [role, setRole] = useState<UserRole>(user.role);
  const update = useAction(async (body: { role?: UserRole; disabled?: boolean }) => {
    const next = await client.admin.users.update(user.id, body);
    onChange(next);
    return next;
  });
  const self = me?.id === user.id;
  return (
    <Section id="access" title="Access">
      <Stack sx={{ alignItems: { sm: 'center' } }} direction={{ xs: 'column', sm: 'row' }} spacing={1}>
        <FormControl sx={{ minWidth: 180 }} margin="normal">
          <InputLabel id="role-label">Role</InputLabel>
          <Select
            labelId="role-label"
            label="Role"
            value={role}
            onChange={(e) => setRole(e.target.value as UserRole)}
          >
            <MenuItem value="user">user</MenuItem>
            <MenuItem value="moderator">moderator (reads the admin pages)</MenuItem>
            <MenuItem value="admin">admin</MenuItem>
          </Select>
        </FormControl>
        <BusyButton
          busy={update.busy}
          onClick={() => void update.run({ role })}
          disabled={role === user.role}
        >
          Save the role
        </BusyButton>
      </Stack>
      <BusyButton
        busy={update.busy}
        color={user.disabled ? 'primary' : 'error'}
        variant="outlined"
        disabled={self}
        onClick={() => void update.run({ disabled: !user.disabled })}
        sx={{ mt: 2 }}
      >
        {user.disabled ? 'Enable the user' : 'Disable the user'}
      </BusyButton>
      {self && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          You cannot disable or demote yourself: ask another admin.
        </Typography>
      )}
      <ErrorAlert error={update.error} />
    </Section>
  );
}

/** A grant, exactly once: the form's idempotency key is kept until a grant succeeds. */
function Grant({ userId, onGranted }: { userId: string; onGranted(): void }) {
  const client = useHubClient();
  const me = useAuth().user;
  const credits = useCredits();
  const [key, setKey] = useState(() => newIdempotencyKey('grant'));
  const grant = useAction(async (amount: number, reason: string) => {
    const result = await client.admin.users.grantCredits(
      userId,
      { amount, ...(reason ? { reason } : {}) },
      { idempotencyKey: key },
    );
    setKey(newIdempotencyKey('grant'));
    onGranted();
    if (me?.id === userId) void credits.refresh();
    return result;
  });
  return (
    <Section id="grant" title="Grant credits">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          void grant.run(Number(data.get('amount')), String(data.get('reason') ?? '').trim());
        }}
      >
        <TextField
          label="Credits to grant"
          name="amount"
          type="number"
          required
          slotProps={{ htmlInput: { min: 0.000001, step: 'any' } }}
        />
        <TextField label="Reason" name="reason" helperText="Kept on the transaction." />
        <ErrorAlert error={grant.error} />
        {grant.result && (
          <Alert severity="success" role="status">
            Granted {formatCredits(grant.result.amount)} credits: the balance is now{' '}
            {formatCredits(grant.result.balance.balance)}.
          </Alert>
        )}
        <BusyButton type="submit" busy={grant.busy} sx={{ mt: 1 }}>
          Grant
        </BusyButton>
      </form>
    </Section>
  );
}

/** One user for staff: access, balance, a grant form, ledger and keys. */
export default function AdminUserPage() {
  const { id = '' } = useParams();
  const client = useHubClient();
  const [version, setVersion] = useState(0);
  const [changed, setChanged] = useState<HubUser>();
  const user = useHubQuery((c, signal) => c.admin.users.get(id, { signal }), [id]);
  const balance = useHubQuery((c, signal) => c.admin.users.balance(id, { signal }), [id, version]);
  const keys = useHubQuery((c, signal) => c.admin.users.apiKeys(id, { signal }), [id]);
  const shown = changed ?? user.data;
  const isAdmin = useAuth().user?.role === 'admin';
  return (
    <>
      <Link component={RouterLink} to="/admin/users">
        ← All users
      </Link>
      <PageTitle>{shown ? shown.email : 'User'}</PageTitle>
      {user.loading && !shown && <LinearProgress aria-label="Loading the user" />}
      <ErrorAlert error={user.error} />
      {shown && (
        <>
          <Typography sx={{ mb: 2 }}>
            {shown.name ?? 'No name'} · {shown.role} · joined {formatTime(shown.createdAt)} ·{' '}
            {shown.emailVerified ? 'email verified' : 'email not verified'}
            {shown.disabled ? ' · disabled' : ''}
          </Typography>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mb: 3 }}>
            <StatCard label="User balance" value={formatCredits(balance.data?.balance)} />
            <StatCard label="User held" value={formatCredits(balance.data?.held)} />
            <StatCard label="User available" value={formatCredits(balance.data?.available)} />
          </Stack>
          <ErrorAlert error={balance.error} />
          {isAdmin && (
            <Grid container spacing={2} sx={{ mb: 3 }}>
              <Grid size={{ xs: 12, md: 6 }}>
                <Grant userId={shown.id} onGranted={() => setVersion((v) => v + 1)} />
              </Grid>
              <Grid size={{ xs: 12, md: 6 }}>
                <Access user={shown} onChange={setChanged} />
              </Grid>
            </Grid>
          )}
          <Paper variant="outlined" sx={{ p: 2, mb: 3 }} component="section" aria-labelledby="user-ledger">
            <Typography variant="h5" component="h2" id="user-ledger" gutterBottom>
              Transactions
            </Typography>
            <TransactionsTable
              source={() => client.admin.users.transactions(id, { limit: 20 })}
              version={version}
              caption="This user's credits, newest first"
            />
          </Paper>
          <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-labelledby="user-keys">
            <Typography variant="h5" component="h2" id="user-keys" gutterBottom>
              API keys
            </Typography>
            <ErrorAlert error={keys.error} />
            {keys.data?.length === 0 && <Typography color="text.secondary">No keys.</Typography>}
            {(keys.data?.length ?? 0) > 0 && (
              <TableRegion label="This user's API keys" outlined={false}>
                <Table size="small">
                  <TableHead>
                    <TableRow>
                      <TableCell>Name</TableCell>
                      <TableCell>Key</TableCell>
                      <TableCell>Scopes</TableCell>
                      <TableCell align="right">Spent</TableCell>
                      <TableCell>Last used</TableCell>
                      <TableCell>Status</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {keys.data!.map((key) => (
                      <TableRow key={key.id}>
                        <TableCell>{key.name}</TableCell>
                        <TableCell sx={{ fontFamily: 'monospace' }}>{key.prefix}…</TableCell>
                        <TableCell>{key.scopes.join(', ')}</TableCell>
                        <TableCell align="right">{formatCredits(key.spent)}</TableCell>
                        <TableCell>{key.lastUsedAt ? formatTime(key.lastUsedAt) : 'never'}</TableCell>
                        <TableCell>{key.revokedAt ? 'revoked' : 'active'}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </TableRegion>
            )}
          </Paper>
          <Button
            component={RouterLink}
            to={`/admin/usage?userId=${encodeURIComponent(shown.id)}`}
            sx={{ mt: 2 }}
          >
            This user's usage
          </Button>
        </>
      )}
    </>
  );
}
