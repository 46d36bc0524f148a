import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import { useHubClient } from '@smart-ai-hub/react';
import { useState } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router';
import { BusyButton } from '../../components/busy-button.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { formFields } from '../../components/form-data.js';
import { PageTitle } from '../../components/page-title.js';
import { useAction } from '../../components/use-action.js';

/** The page the reset mail links to: `/reset-password?token=...`. */
export default function ResetPasswordPage() {
  const client = useHubClient();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [mismatch, setMismatch] = useState(false);
  const reset = useAction(async (password: string) => {
    await client.auth.resetPassword({ token, password });
    return true;
  });
  if (!token) {
    return (
      <>
        <PageTitle>Choose a new password</PageTitle>
        <Alert severity="error">This link has no reset token: open the link from the email again.</Alert>
      </>
    );
  }
  return (
    <>
      <PageTitle>Choose a new password</PageTitle>
      {reset.result ? (
        <>
          <Alert severity="success" role="status">
            Your password is changed, and every session was signed out. Sign in with the new password.
          </Alert>
          <Button component={RouterLink} to="/sign-in" variant="contained" sx={{ mt: 2 }}>
            Sign in
          </Button>
        </>
      ) : (
        <form
          onSubmit={(event) => {
            const { password, confirm } = formFields(event);
            setMismatch(password !== confirm);
            if (password === confirm) void reset.run(password ?? '');
          }}
        >
          <TextField
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
          />
          <TextField
            label="Repeat the new password"
            name="confirm"
            type="password"
            autoComplete="new-password"
            required
            error={mismatch}
            helperText={mismatch ? 'The two passwords differ.' : undefined}
          />
          <ErrorAlert error={reset.error} />
          <BusyButton type="submit" busy={reset.busy} fullWidth sx={{ mt: 2 }}>
            Set the new password
          </BusyButton>
        </form>
      )}
    </>
  );
}
