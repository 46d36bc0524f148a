import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useHubQuery } from '@smart-ai-hub/react';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorAlert } from '../../components/error-alert.js';
import { PageTitle } from '../../components/page-title.js';
import { PeriodSelect } from '../../components/usage/period-select.js';
import { UsageReportView } from '../../components/usage/usage-report-view.js';

const DAY = 86_400_000;

/** Use across every user (or one), by day and model. */
export default function AdminUsagePage() {
  const [params, setParams] = useSearchParams();
  const userId = params.get('userId') ?? '';
  const [days, setDays] = useState(30);
  const [draft, setDraft] = useState(userId);
  const usage = useHubQuery(
    (client, signal) =>
      client.admin.usage({ from: Date.now() - days * DAY, ...(userId ? { userId } : {}) }, { signal }),
    [days, userId],
  );
  return (
    <>
      <PageTitle>Usage of all users</PageTitle>
      <Stack
        sx={{ alignItems: { sm: 'center' } }}
        direction={{ xs: 'column', sm: 'row' }}
        spacing={{ xs: 0, sm: 2 }}
        component="form"
        aria-label="Filters"
        onSubmit={(event) => {
          event.preventDefault();
          setParams(draft.trim() ? { userId: draft.trim() } : {});
        }}
      >
        <PeriodSelect days={days} onChange={setDays} />
        <TextField
          label="User id"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          helperText="Empty: every user"
          sx={{ maxWidth: { sm: 320 } }}
        />
        <Button type="submit" variant="outlined">
          Apply
        </Button>
      </Stack>
      {userId && <Typography sx={{ mb: 1 }}>Showing one user: {userId}</Typography>}
      {usage.loading && <LinearProgress aria-label="Loading usage" />}
      <ErrorAlert error={usage.error} />
      {usage.data && <UsageReportView report={usage.data} filename={`hub-usage-${days}d.csv`} />}
    </>
  );
}
