import { createTheme } from '@mui/material/styles';

/** People who ask their system for less motion get none: no transitions, no ripples. */
const reduceMotion =
  typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

/** The console's look: MUI's defaults, a darker primary (AA contrast on text and outlines). */
export const theme = createTheme({
  palette: { primary: { main: '#1565c0' }, secondary: { main: '#6a1b9a' } },
  shape: { borderRadius: 8 },
  ...(reduceMotion ? { transitions: { create: () => 'none' } } : {}),
  components: {
    MuiButtonBase: { defaultProps: { disableRipple: reduceMotion } },
    MuiButton: { defaultProps: { disableElevation: true } },
    MuiTextField: { defaultProps: { fullWidth: true, margin: 'normal' } },
  },
});
