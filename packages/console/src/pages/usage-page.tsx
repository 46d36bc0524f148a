import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useApiKeys, useHubQuery } from '@smart-ai-hub/react';
import { useState } from 'react';
import { ErrorAlert } from '../components/error-alert.js';
import { PageTitle } from '../components/page-title.js';
import { PeriodSelect } from '../components/usage/period-select.js';
import { UsageReportView } from '../components/usage/usage-report-view.js';

const DAY = 86_400_000;

/** What the user spent, by day and model; of one key or end user; as CSV. */
export default function UsagePage() {
  const { keys } = useApiKeys();
  const [days, setDays] = useState(30);
  const [keyId, setKeyId] = useState('');
  const [endUserDraft, setEndUserDraft] = useState('');
  const [endUser, setEndUser] = useState('');
  const usage = useHubQuery(
    (client, signal) =>
      client.usage.get(
        {
          from: Date.now() - days * DAY,
          ...(keyId ? { apiKeyId: keyId } : {}),
          ...(endUser ? { endUser } : {}),
        },
        { signal },
      ),
    [days, keyId, endUser],
  );
  return (
    <>
      <PageTitle>Usage</PageTitle>
      <Stack
        sx={{ alignItems: { sm: 'center' } }}
        direction={{ xs: 'column', sm: 'row' }}
        spacing={{ xs: 0, sm: 2 }}
        component="form"
        aria-label="Filters"
        onSubmit={(event) => {
          event.preventDefault();
          setEndUser(endUserDraft.trim());
        }}
      >
        <PeriodSelect days={days} onChange={setDays} />
        <FormControl sx={{ minWidth: 200 }} margin="normal">
          <InputLabel id="key-label" shrink>
            API key
          </InputLabel>
          <Select
            labelId="key-label"
            label="API key"
            value={keyId}
            displayEmpty
            notched
            onChange={(e) => setKeyId(String(e.target.value))}
          >
            <MenuItem value="">Every key and the console</MenuItem>
            {keys.map((key) => (
              <MenuItem key={key.id} value={key.id}>
                {key.name} ({key.prefix}…)
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <TextField
          label="End user"
          value={endUserDraft}
          onChange={(e) => setEndUserDraft(e.target.value)}
          helperText="The `user` your app sends"
          sx={{ maxWidth: { sm: 260 } }}
        />
        <Button type="submit" variant="outlined">
          Apply
        </Button>
      </Stack>
      {usage.loading && <LinearProgress aria-label="Loading usage" />}
      <ErrorAlert error={usage.error} />
      {usage.data && <UsageReportView report={usage.data} filename={`usage-${days}d.csv`} />}
    </>
  );
}
