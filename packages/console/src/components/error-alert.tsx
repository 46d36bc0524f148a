import Alert from '@mui/material/Alert';
import { describeError } from './describe-error.js';

/** An API error shown in words (never the raw envelope); nothing when there is no error. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <Alert severity="error" role="alert" sx={{ my: 2 }}>
      {title ? `${title}: ` : ''}
      {describeError(error)}
    </Alert>
  );
}
