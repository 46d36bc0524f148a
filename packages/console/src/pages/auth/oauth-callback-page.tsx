import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import { useHubClient } from '@smart-ai-hub/react';
import { useEffect, useState } from 'react';
import { Navigate, Link as RouterLink } from 'react-router';
import { describeError } from '../../components/describe-error.js';
import { PageTitle } from '../../components/page-title.js';

/**
 * Where the hub lands after an OAuth sign-in (`HUB_OAUTH_REDIRECT_URL` = the console's
 * `/oauth/callback`): the tokens are in the URL fragment, kept out of the address bar afterwards.
 */
export default function OAuthCallbackPage() {
  const client = useHubClient();
  const [state, setState] = useState<{ done: boolean; error?: string }>({ done: false });
  useEffect(() => {
    const url = location.href;
    history.replaceState(null, '', location.pathname);
    if (!new URL(url).hash) {
      setState({ done: true, error: 'This page carries no sign-in: start it again from the sign-in page.' });
      return;
    }
    client.auth.completeOAuth(url).then(
      () => setState({ done: true }),
      (error) => setState({ done: true, error: describeError(error) }),
    );
  }, [client]);
  if (state.done && !state.error) return <Navigate to="/" replace />;
  return (
    <>
      <PageTitle>Signing you in</PageTitle>
      {!state.done && <LinearProgress aria-label="Finishing the sign-in" />}
      {state.error && (
        <>
          <Alert severity="error" role="alert">
            {state.error}
          </Alert>
          <Button component={RouterLink} to="/sign-in" variant="contained" sx={{ mt: 2 }}>
            Back to sign in
          </Button>
        </>
      )}
    </>
  );
}
