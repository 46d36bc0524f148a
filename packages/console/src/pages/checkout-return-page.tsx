import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import { useCredits, useHubClient } from '@smart-ai-hub/react';
import type { CheckoutStatus } from '@smart-ai-hub/sdk';
import { useEffect, useState } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router';
import { ErrorAlert } from '../components/error-alert.js';
import { formatCredits, formatPrice } from '../components/format.js';
import { PageTitle } from '../components/page-title.js';

/** How long to wait for Stripe's confirmation before saying it is still pending. */
const PATIENCE_MS = 60_000;

/**
 * Where Stripe sends the buyer back (`/credits/return?session_id=...`): waits for the payment's
 * confirmation (Stripe's event reaches the hub on its own schedule), then shows the result.
 */
export default function CheckoutReturnPage() {
  const client = useHubClient();
  const credits = useCredits();
  const [params] = useSearchParams();
  const id = params.get('session_id') ?? '';
  const [status, setStatus] = useState<CheckoutStatus>();
  const [error, setError] = useState<unknown>();
  const [gaveUp, setGaveUp] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: poll once per session id
  useEffect(() => {
    if (!id) return;
    const controller = new AbortController();
    const started = Date.now();
    const poll = async (wait: number) => {
      try {
        const next = await client.credits.checkoutStatus(id, { signal: controller.signal });
        setStatus(next);
        if (next.status !== 'open') {
          void credits.refresh();
          return;
        }
      } catch (failure) {
        if (controller.signal.aborted) return;
        setError(failure);
        return;
      }
      if (Date.now() - started > PATIENCE_MS) return setGaveUp(true);
      setTimeout(() => void poll(Math.min(wait * 2, 5000)), wait);
    };
    void poll(500);
    return () => controller.abort();
  }, [id]);

  const done = status && status.status !== 'open';
  return (
    <>
      <PageTitle>Payment</PageTitle>
      {!id && (
        <Alert severity="error">
          This page needs the checkout's session id: open it from Stripe's return.
        </Alert>
      )}
      <ErrorAlert error={error} />
      {id && !done && !error && !gaveUp && (
        <>
          <Typography role="status" sx={{ mb: 1 }}>
            Waiting for the payment's confirmation…
          </Typography>
          <LinearProgress aria-label="Waiting for the payment's confirmation" />
        </>
      )}
      {gaveUp && (
        <Alert severity="info">
          The payment is not confirmed yet. Its credits arrive as soon as it is: you will get a notification.
        </Alert>
      )}
      {status?.status === 'paid' && (
        <Alert severity="success" role="status">
          Payment received: {formatCredits(status.credits)} credits added for {formatPrice(status)}. Your
          balance is now {formatCredits(credits.balance)} credits.
        </Alert>
      )}
      {(status?.status === 'failed' || status?.status === 'underpaid') && (
        <Alert severity="error" role="alert">
          The payment did not go through (
          {status.status === 'failed' ? 'it failed' : 'it was short of the price'}
          ): no credits were added.
        </Alert>
      )}
      <Button component={RouterLink} to="/credits" variant="contained" sx={{ mt: 2 }}>
        Back to credits
      </Button>
    </>
  );
}
