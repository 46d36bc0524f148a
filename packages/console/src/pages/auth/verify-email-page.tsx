import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import { useAuth, useHubClient } from '@smart-ai-hub/react';
import type { HubClient } from '@smart-ai-hub/sdk';
import { useEffect, useState } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router';
import { describeError } from '../../components/describe-error.js';
import { PageTitle } from '../../components/page-title.js';

/** One attempt per token, even when the page renders twice (the token is single-use). */
const attempts = new Map<string, Promise<void>>();
const verify = (client: HubClient, token: string) => {
  if (!attempts.has(token))
    attempts.set(
      token,
      client.auth.verifyEmail({ token }).then(() => undefined),
    );
  return attempts.get(token)!;
};

/** The page the verification mail links to: `/verify-email?token=...`. */
export default function VerifyEmailPage() {
  const client = useHubClient();
  const { user } = useAuth();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [state, setState] = useState<{ done: boolean; error?: string }>({ done: false });
  useEffect(() => {
    if (!token) return;
    verify(client, token).then(
      () => setState({ done: true }),
      (error) => setState({ done: true, error: describeError(error) }),
    );
  }, [client, token]);
  return (
    <>
      <PageTitle>Verify your email</PageTitle>
      {!token && <Alert severity="error">This link has no token: open the link from the email again.</Alert>}
      {token && !state.done && <LinearProgress aria-label="Verifying your email" />}
      {state.done && !state.error && (
        <Alert severity="success" role="status">
          Your email address is verified.
        </Alert>
      )}
      {state.error && (
        <Alert severity="error" role="alert">
          {state.error}
        </Alert>
      )}
      {state.done && (
        <Button component={RouterLink} to={user ? '/' : '/sign-in'} variant="contained" sx={{ mt: 2 }}>
          {user ? 'Go to the console' : 'Sign in'}
        </Button>
      )}
    </>
  );
}
