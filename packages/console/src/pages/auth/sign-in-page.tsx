import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useAuth, useHubClient, useHubQuery } from '@smart-ai-hub/react';
import { Navigate, Link as RouterLink, useSearchParams } from 'react-router';
import { BusyButton } from '../../components/busy-button.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { formFields, safeNext } from '../../components/form-data.js';
import { PageTitle } from '../../components/page-title.js';
import { useAction } from '../../components/use-action.js';

const PROVIDER_NAMES: Record<string, string> = { github: 'GitHub', google: 'Google' };

/** Email and password, or one of the hub's OAuth providers. */
export default function SignInPage() {
  const { status, login } = useAuth();
  const client = useHubClient();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const signIn = useAction(login);
  const providers = useHubQuery((c, signal) => c.auth.oauthProviders({ signal }), []);
  if (status === 'signed-in') return <Navigate to={next} replace />;
  return (
    <>
      <PageTitle>Sign in</PageTitle>
      <form
        onSubmit={(event) => {
          const { email, password } = formFields(event);
          void signIn.run({ email: email ?? '', password: password ?? '' });
        }}
      >
        <TextField label="Email" name="email" type="email" autoComplete="email" required />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
        <ErrorAlert error={signIn.error} />
        <BusyButton type="submit" busy={signIn.busy} fullWidth sx={{ mt: 2 }}>
          Sign in
        </BusyButton>
      </form>
      {(providers.data?.length ?? 0) > 0 && (
        <>
          <Divider sx={{ my: 3 }}>or</Divider>
          <Stack spacing={1}>
            {providers.data!.map((provider) => (
              <Button key={provider.id} variant="outlined" href={client.auth.oauthUrl(provider.id)}>
                Sign in with {PROVIDER_NAMES[provider.id] ?? provider.id}
              </Button>
            ))}
          </Stack>
        </>
      )}
      <Stack
        direction={{ xs: 'column', sm: 'row' }}
        sx={{ mt: 3, justifyContent: 'space-between' }}
        spacing={1}
      >
        <Link component={RouterLink} to="/forgot-password">
          Forgot your password?
        </Link>
        <Typography variant="body2">
          New here?{' '}
          <Link component={RouterLink} to="/sign-up">
            Create an account
          </Link>
        </Typography>
      </Stack>
    </>
  );
}
