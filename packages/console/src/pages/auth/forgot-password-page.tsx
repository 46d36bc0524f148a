import Alert from '@mui/material/Alert';
import Link from '@mui/material/Link';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useHubClient } from '@smart-ai-hub/react';
import { Link as RouterLink } from 'react-router';
import { BusyButton } from '../../components/busy-button.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { formFields } from '../../components/form-data.js';
import { PageTitle } from '../../components/page-title.js';
import { useAction } from '../../components/use-action.js';

/** Asks for a reset link (the hub answers the same whether or not the address has an account). */
export default function ForgotPasswordPage() {
  const client = useHubClient();
  const request = useAction(async (email: string) => {
    await client.auth.forgotPassword({ email });
    return email;
  });
  return (
    <>
      <PageTitle>Reset your password</PageTitle>
      {request.result ? (
        <Alert severity="success" role="status">
          If {request.result} has an account, a link to reset its password is on its way. The link works for
          one hour.
        </Alert>
      ) : (
        <form onSubmit={(event) => void request.run(formFields(event).email ?? '')}>
          <Typography>We will email you a link to choose a new password.</Typography>
          <TextField label="Email" name="email" type="email" autoComplete="email" required />
          <ErrorAlert error={request.error} />
          <BusyButton type="submit" busy={request.busy} fullWidth sx={{ mt: 2 }}>
            Send the link
          </BusyButton>
        </form>
      )}
      <Typography variant="body2" sx={{ mt: 3 }}>
        <Link component={RouterLink} to="/sign-in">
          Back to sign in
        </Link>
      </Typography>
    </>
  );
}
