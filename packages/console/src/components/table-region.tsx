import Paper from '@mui/material/Paper';
import TableContainer from '@mui/material/TableContainer';
import type { ReactNode } from 'react';

/**
 * A table that scrolls sideways on a narrow screen: a named region that takes the keyboard's
 * focus, so it can be scrolled without a mouse.
 */
export function TableRegion(props: { label: string; outlined?: boolean; children: ReactNode; mt?: number }) {
  return (
    <TableContainer
      component={props.outlined === false ? 'div' : Paper}
      variant={props.outlined === false ? undefined : 'outlined'}
      role="region"
      aria-label={props.label}
      tabIndex={0}
      sx={{ mt: props.mt, '&:focus-visible': { outline: '2px solid', outlineColor: 'primary.main' } }}
    >
      {props.children}
    </TableContainer>
  );
}
