import Link from '@mui/material/Link';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useAuth } from '@smart-ai-hub/react';
import { Navigate, Link as RouterLink } from 'react-router';
import { BusyButton } from '../../components/busy-button.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { formFields } from '../../components/form-data.js';
import { PageTitle } from '../../components/page-title.js';
import { useAction } from '../../components/use-action.js';

/** A new account (signed in at once; the hub mails a link to verify the address). */
export default function SignUpPage() {
  const { status, register } = useAuth();
  const signUp = useAction(register);
  if (status === 'signed-in') return <Navigate to="/?welcome=1" replace />;
  return (
    <>
      <PageTitle>Create an account</PageTitle>
      <form
        onSubmit={(event) => {
          const { name, email, password } = formFields(event);
          void signUp.run({ email: email ?? '', password: password ?? '', ...(name ? { name } : {}) });
        }}
      >
        <TextField label="Name" name="name" autoComplete="name" />
        <TextField label="Email" name="email" type="email" autoComplete="email" required />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          slotProps={{ htmlInput: { minLength: 8 } }}
          helperText="At least 8 characters; common passwords are refused."
        />
        <ErrorAlert error={signUp.error} />
        <BusyButton type="submit" busy={signUp.busy} fullWidth sx={{ mt: 2 }}>
          Create account
        </BusyButton>
      </form>
      <Typography variant="body2" sx={{ mt: 3 }}>
        Already have an account?{' '}
        <Link component={RouterLink} to="/sign-in">
          Sign in
        </Link>
      </Typography>
    </>
  );
}
