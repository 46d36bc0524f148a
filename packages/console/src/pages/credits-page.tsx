import Alert from '@mui/material/Alert';
import Card from '@mui/material/Card';
import CardActions from '@mui/material/CardActions';
import CardContent from '@mui/material/CardContent';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useCredits, useHubClient, useHubQuery } from '@smart-ai-hub/react';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { consoleBase } from '../app/console-base.js';
import { BusyButton } from '../components/busy-button.js';
import { ErrorAlert } from '../components/error-alert.js';
import { formatCredits, formatPrice } from '../components/format.js';
import { newIdempotencyKey } from '../components/new-idempotency-key.js';
import { PageTitle } from '../components/page-title.js';
import { StatCard } from '../components/stat-card.js';
import { TransactionsTable } from '../components/transactions-table.js';
import { useAction } from '../components/use-action.js';

/** Balance, held and available credits; packages to buy through Stripe Checkout; the ledger. */
export default function CreditsPage() {
  const client = useHubClient();
  const credits = useCredits();
  const [params] = useSearchParams();
  const packages = useHubQuery((c, signal) => c.credits.packages({ signal }), []);
  const [buyKey] = useState(() => newIdempotencyKey('checkout'));
  const buy = useAction(async (packageId: string) => {
    const base = consoleBase();
    const session = await client.credits.checkout(
      {
        packageId,
        successUrl: base.url('credits/return?session_id={CHECKOUT_SESSION_ID}'),
        cancelUrl: base.url('credits?checkout=cancelled'),
      },
      { idempotencyKey: `${buyKey}-${packageId}` },
    );
    location.assign(session.url);
    return packageId;
  });
  return (
    <>
      <PageTitle>Credits</PageTitle>
      {params.get('checkout') === 'cancelled' && (
        <Alert severity="info" sx={{ mb: 2 }}>
          The payment was cancelled: nothing was charged.
        </Alert>
      )}
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mb: 3 }}>
        <StatCard label="Balance" value={formatCredits(credits.balance)} hint="credits on the account" />
        <StatCard label="Held" value={formatCredits(credits.held)} hint="reserved by requests in flight" />
        <StatCard
          label="Available"
          value={formatCredits(credits.available)}
          hint="what a new request may spend"
        />
      </Stack>
      <ErrorAlert error={credits.error} />

      <Typography variant="h5" component="h2" gutterBottom>
        Buy credits
      </Typography>
      <ErrorAlert error={packages.error} />
      {packages.data?.length === 0 && (
        <Typography color="text.secondary" sx={{ mb: 2 }}>
          This hub sells no credit packages: ask your administrator for credits.
        </Typography>
      )}
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mb: 1, flexWrap: 'wrap' }} useFlexGap>
        {packages.data?.map((pkg) => (
          <Card key={pkg.id} variant="outlined" sx={{ minWidth: 200 }}>
            <CardContent>
              <Typography variant="h6" component="h3">
                {pkg.name}
              </Typography>
              <Typography>
                {formatCredits(pkg.credits)} credits for {formatPrice(pkg)}
              </Typography>
            </CardContent>
            <CardActions>
              <BusyButton
                busy={buy.busy && buy.result === undefined}
                onClick={() => void buy.run(pkg.id)}
                aria-label={`Buy ${pkg.name} for ${formatPrice(pkg)}`}
              >
                Buy
              </BusyButton>
            </CardActions>
          </Card>
        ))}
      </Stack>
      {buy.result && <Typography role="status">Taking you to the payment page…</Typography>}
      <ErrorAlert error={buy.error} />

      <Paper variant="outlined" sx={{ p: 2, mt: 3 }} component="section" aria-labelledby="ledger">
        <Typography variant="h5" component="h2" id="ledger" gutterBottom>
          Transactions
        </Typography>
        <TransactionsTable
          source={() => client.credits.transactions({ limit: 20 })}
          caption="Every movement of your credits, newest first"
        />
      </Paper>
    </>
  );
}
