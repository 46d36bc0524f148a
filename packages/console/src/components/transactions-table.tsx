import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { CreditTransaction, PageIterator } from '@smart-ai-hub/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ErrorAlert } from './error-alert.js';
import { formatCredits, formatTime } from './format.js';
import { TableRegion } from './table-region.js';

/**
 * A ledger, newest first, a page at a time ("Show more"). `source` makes the iterator; a new
 * `version` starts over (after a payment, a grant).
 */
export function TransactionsTable(props: {
  source: () => PageIterator<CreditTransaction>;
  version?: number;
  caption: string;
}) {
  const pages = useRef<AsyncGenerator<{ data: CreditTransaction[]; nextCursor: string | null }> | null>(null);
  const [rows, setRows] = useState<CreditTransaction[]>([]);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const { source } = props;

  // The source is fixed for a version (a new version starts over).
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  const next = useCallback(async (reset: boolean) => {
    if (reset || !pages.current) pages.current = source().pages();
    const generator = pages.current;
    setLoading(true);
    setError(undefined);
    try {
      const page = await generator.next();
      if (generator !== pages.current) return;
      const data = page.done ? [] : page.value.data;
      setRows((old) => (reset ? data : [...old, ...data]));
      setMore(!page.done && page.value.nextCursor !== null);
    } catch (failure) {
      setError(failure);
    } finally {
      setLoading(false);
    }
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: start over on a new version
  useEffect(() => {
    void next(true);
  }, [props.version]);

  return (
    <>
      <TableRegion label={props.caption} outlined={false}>
        <Table size="small">
          <caption>{props.caption}</caption>
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Kind</TableCell>
              <TableCell>Description</TableCell>
              <TableCell align="right">Credits</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((tx) => (
              <TableRow key={tx.id}>
                <TableCell>{formatTime(tx.createdAt)}</TableCell>
                <TableCell>{tx.kind}</TableCell>
                <TableCell>{tx.description ?? '—'}</TableCell>
                <TableCell align="right" sx={{ color: tx.amount < 0 ? 'error.dark' : 'success.dark' }}>
                  {tx.amount > 0 ? '+' : ''}
                  {formatCredits(tx.amount)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableRegion>
      {loading && <LinearProgress aria-label="Loading transactions" />}
      {!loading && rows.length === 0 && !error && (
        <Typography color="text.secondary" sx={{ mt: 1 }}>
          No transactions yet.
        </Typography>
      )}
      <ErrorAlert error={error} />
      {more && (
        <Button onClick={() => void next(false)} disabled={loading} sx={{ mt: 1 }}>
          Show more transactions
        </Button>
      )}
    </>
  );
}
