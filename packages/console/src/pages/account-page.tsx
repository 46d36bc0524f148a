import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useAuth, useHubClient, useSessions } from '@smart-ai-hub/react';
import { useState } from 'react';
import { BusyButton } from '../components/busy-button.js';
import { ErrorAlert } from '../components/error-alert.js';
import { formFields } from '../components/form-data.js';
import { formatTime } from '../components/format.js';
import { PageTitle } from '../components/page-title.js';
import { TableRegion } from '../components/table-region.js';
import { useAction } from '../components/use-action.js';
import { VisuallyHidden } from '../components/visually-hidden.js';

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <Paper variant="outlined" sx={{ p: { xs: 2, sm: 3 }, mb: 3 }} component="section" aria-labelledby={id}>
      <Typography variant="h5" component="h2" id={id} gutterBottom>
        {title}
      </Typography>
      {children}
    </Paper>
  );
}

function Profile() {
  const client = useHubClient();
  const { user } = useAuth();
  const [name, setName] = useState(user?.name ?? '');
  const save = useAction(async () => client.me.update({ name: name.trim() || null }));
  const resend = useAction(async () => {
    await client.me.resendVerification();
    return true;
  });
  if (!user) return null;
  return (
    <Section id="profile" title="Profile">
      <Typography>
        Email: {user.email}{' '}
        <Chip
          size="small"
          variant="outlined"
          label={user.emailVerified ? 'verified' : 'not verified'}
          color={user.emailVerified ? 'success' : 'default'}
        />
      </Typography>
      {!user.emailVerified && (
        <>
          <BusyButton variant="outlined" busy={resend.busy} onClick={() => void resend.run()} sx={{ mt: 1 }}>
            Send the verification email again
          </BusyButton>
          {resend.result && (
            <Alert severity="success" role="status" sx={{ mt: 1 }}>
              Sent: open the link in the email.
            </Alert>
          )}
          <ErrorAlert error={resend.error} />
        </>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save.run();
        }}
      >
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
        <ErrorAlert error={save.error} />
        {save.result && (
          <Alert severity="success" role="status">
            Saved.
          </Alert>
        )}
        <BusyButton type="submit" busy={save.busy} sx={{ mt: 1 }}>
          Save the profile
        </BusyButton>
      </form>
    </Section>
  );
}

function Password() {
  const client = useHubClient();
  const change = useAction(async (currentPassword: string, newPassword: string) => {
    await client.me.changePassword({ currentPassword, newPassword });
    return true;
  });
  return (
    <Section id="password" title="Password">
      <form
        onSubmit={(event) => {
          const form = event.currentTarget;
          const { current, next } = formFields(event);
          void change.run(current ?? '', next ?? '').then((ok) => ok && form.reset());
        }}
      >
        <TextField
          label="Current password"
          name="current"
          type="password"
          autoComplete="current-password"
          required
        />
        <TextField label="New password" name="next" type="password" autoComplete="new-password" required />
        <ErrorAlert error={change.error} />
        {change.result && (
          <Alert severity="success" role="status">
            Password changed. Your other sessions were signed out.
          </Alert>
        )}
        <BusyButton type="submit" busy={change.busy} sx={{ mt: 1 }}>
          Change the password
        </BusyButton>
      </form>
    </Section>
  );
}

function Sessions() {
  const { sessions, loading, error, revoke } = useSessions();
  const end = useAction(revoke);
  return (
    <Section id="sessions" title="Sessions">
      <Typography color="text.secondary" sx={{ mb: 1 }}>
        Where you are signed in. Sign out a device you do not recognise.
      </Typography>
      {loading && sessions.length === 0 && <LinearProgress aria-label="Loading sessions" />}
      <ErrorAlert error={error ?? end.error} />
      <TableRegion label="Your sessions" outlined={false}>
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>Device</TableCell>
              <TableCell>Address</TableCell>
              <TableCell>Signed in</TableCell>
              <TableCell>Last active</TableCell>
              <TableCell>
                <VisuallyHidden>Actions</VisuallyHidden>
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {sessions.map((s) => (
              <TableRow key={s.id} data-testid="session-row">
                <TableCell sx={{ maxWidth: 280, overflowWrap: 'anywhere' }}>
                  {s.userAgent ?? 'unknown'}
                </TableCell>
                <TableCell>{s.ip ?? '—'}</TableCell>
                <TableCell>{formatTime(s.createdAt)}</TableCell>
                <TableCell>{formatTime(s.lastUsedAt)}</TableCell>
                <TableCell>
                  {s.current ? (
                    <Chip size="small" label="this device" variant="outlined" />
                  ) : (
                    <Button
                      color="error"
                      onClick={() => void end.run(s.id)}
                      aria-label={`Sign out the session from ${formatTime(s.createdAt)}`}
                    >
                      Sign out
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableRegion>
    </Section>
  );
}

/** Profile, password and sessions of the signed-in user. */
export default function AccountPage() {
  return (
    <>
      <PageTitle>Account</PageTitle>
      <Profile />
      <Password />
      <Sessions />
    </>
  );
}
