import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import { HubProvider } from '@smart-ai-hub/react';
import type { HubClient } from '@smart-ai-hub/sdk';
import { useMemo } from 'react';
import { RouterProvider } from 'react-router';
import { consoleBase } from './console-base.js';
import { createConsoleRouter } from './routes.js';
import { theme } from './theme.js';

/** The console: theme, the hub client the hooks use, and the router. */
export function App({ client }: { client: HubClient }) {
  const router = useMemo(() => createConsoleRouter(consoleBase().basename), []);
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <HubProvider client={client}>
        <RouterProvider router={router} />
      </HubProvider>
    </ThemeProvider>
  );
}
