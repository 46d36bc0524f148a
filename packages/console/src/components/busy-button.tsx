import Button, { type ButtonProps } from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';

/** A button that shows a spinner and stays disabled while its action runs. */
export function BusyButton({ busy, children, disabled, ...props }: ButtonProps & { busy: boolean }) {
  return (
    <Button
      variant="contained"
      {...props}
      disabled={disabled || busy}
      aria-busy={busy}
      startIcon={busy ? <CircularProgress size={16} color="inherit" aria-hidden /> : props.startIcon}
    >
      {children}
    </Button>
  );
}
