import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Step from '@mui/material/Step';
import StepContent from '@mui/material/StepContent';
import StepLabel from '@mui/material/StepLabel';
import Stepper from '@mui/material/Stepper';
import Typography from '@mui/material/Typography';
import { useApiKeys, useAuth, useCredits, useHubClient, useUsage } from '@smart-ai-hub/react';
import { useMemo, useState } from 'react';
import { Link as RouterLink } from 'react-router';
import { BusyButton } from '../components/busy-button.js';
import { ErrorAlert } from '../components/error-alert.js';
import { formatCount, formatCredits } from '../components/format.js';
import { newIdempotencyKey } from '../components/new-idempotency-key.js';
import { PageTitle } from '../components/page-title.js';
import { StatCard } from '../components/stat-card.js';
import { useAction } from '../components/use-action.js';

const FIRST_GRANT = 10;

/** The first run of an admin: credits for themselves, a key, the playground. */
function FirstRunGuide({ userId }: { userId: string }) {
  const client = useHubClient();
  const credits = useCredits();
  const { keys } = useApiKeys();
  const [grantKey] = useState(() => newIdempotencyKey('first-run'));
  const grant = useAction(async () => {
    await client.admin.users.grantCredits(
      userId,
      { amount: FIRST_GRANT, reason: 'First run: credits to try the hub' },
      { idempotencyKey: grantKey },
    );
    await credits.refresh();
  });
  const hasCredits = (credits.balance ?? 0) > 0;
  const hasKey = keys.some((k) => !k.revokedAt);
  const active = !hasCredits ? 0 : !hasKey ? 1 : 2;
  return (
    <Paper variant="outlined" sx={{ p: { xs: 2, sm: 3 }, mb: 3 }} component="section" aria-labelledby="guide">
      <Typography variant="h6" component="h2" id="guide">
        Get started
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 1 }}>
        You run this hub. Three steps to see it work end to end:
      </Typography>
      <Stepper activeStep={active} orientation="vertical">
        <Step completed={hasCredits}>
          <StepLabel>Grant yourself credits</StepLabel>
          <StepContent>
            <Typography variant="body2">Every request is paid from a balance, yours included.</Typography>
            <ErrorAlert error={grant.error} />
            <BusyButton busy={grant.busy} onClick={() => void grant.run()} sx={{ mt: 1 }}>
              Grant me {FIRST_GRANT} credits
            </BusyButton>
          </StepContent>
        </Step>
        <Step completed={hasKey}>
          <StepLabel>Make an API key</StepLabel>
          <StepContent>
            <Typography variant="body2">Apps and the OpenAI clients call the hub with a key.</Typography>
            <Button component={RouterLink} to="/keys" variant="contained" sx={{ mt: 1 }}>
              Make a key
            </Button>
          </StepContent>
        </Step>
        <Step>
          <StepLabel>Try the playground</StepLabel>
          <StepContent>
            <Typography variant="body2">Chat with a model and see what each answer costs.</Typography>
            <Button component={RouterLink} to="/playground" variant="contained" sx={{ mt: 1 }}>
              Open the playground
            </Button>
          </StepContent>
        </Step>
      </Stepper>
    </Paper>
  );
}

export default function OverviewPage() {
  const { user } = useAuth();
  const credits = useCredits();
  const { keys, loading: keysLoading } = useApiKeys();
  const range = useMemo(() => ({ from: Date.now() - 30 * 86_400_000 }), []);
  const { usage } = useUsage(range);
  const guide =
    user?.role === 'admin' &&
    credits.balance !== undefined &&
    !keysLoading &&
    (credits.balance === 0 || !keys.some((k) => !k.revokedAt));
  return (
    <>
      <PageTitle>Overview</PageTitle>
      <Typography sx={{ mb: 2 }}>Welcome{user?.name ? `, ${user.name}` : ''}.</Typography>
      {user && !user.emailVerified && (
        <Alert severity="info" sx={{ mb: 2 }}>
          Your email address is not verified yet: open the link we mailed you. Lost it? Send it again from{' '}
          <RouterLink to="/account">your account</RouterLink>.
        </Alert>
      )}
      {guide && user && <FirstRunGuide userId={user.id} />}
      {!guide && credits.available !== undefined && credits.available <= 0 && (
        <Alert
          severity="warning"
          sx={{ mb: 2 }}
          action={
            <Button component={RouterLink} to="/credits" color="inherit">
              Buy credits
            </Button>
          }
        >
          You have no credits to spend.
        </Alert>
      )}
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mb: 3 }}>
        <StatCard label="Available credits" value={formatCredits(credits.available)} />
        <StatCard label="Requests, 30 days" value={usage ? formatCount(usage.totals.requests) : '…'} />
        <StatCard
          label="Spent, 30 days"
          value={usage ? formatCredits(usage.totals.cost) : '…'}
          hint="credits"
        />
      </Stack>
      <ErrorAlert error={credits.error} />
    </>
  );
}
