import LinearProgress from '@mui/material/LinearProgress';
import type { ComponentType } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';

/** A route whose page is loaded on demand: each page is a chunk of its own. */
const page =
  (load: () => Promise<{ default: ComponentType }>): RouteObject['lazy'] =>
  async () => ({ Component: (await load()).default });

/** Pages anyone may open: signing in, and the links of the hub's mails. */
const publicPages: RouteObject[] = [
  { path: 'sign-in', lazy: page(() => import('../pages/auth/sign-in-page.js')) },
  { path: 'sign-up', lazy: page(() => import('../pages/auth/sign-up-page.js')) },
  { path: 'forgot-password', lazy: page(() => import('../pages/auth/forgot-password-page.js')) },
  { path: 'reset-password', lazy: page(() => import('../pages/auth/reset-password-page.js')) },
  { path: 'verify-email', lazy: page(() => import('../pages/auth/verify-email-page.js')) },
  { path: 'oauth/callback', lazy: page(() => import('../pages/auth/oauth-callback-page.js')) },
];

/** Pages of a signed-in user, inside the console's shell (navigation, balance). */
const signedInPages: RouteObject[] = [
  { index: true, lazy: page(() => import('../pages/overview-page.js')) },
  { path: 'playground', lazy: page(() => import('../pages/playground-page.js')) },
  { path: 'credits', lazy: page(() => import('../pages/credits-page.js')) },
  { path: 'credits/return', lazy: page(() => import('../pages/checkout-return-page.js')) },
  { path: 'keys', lazy: page(() => import('../pages/api-keys-page.js')) },
  { path: 'usage', lazy: page(() => import('../pages/usage-page.js')) },
  { path: 'notifications', lazy: page(() => import('../pages/notifications-page.js')) },
  { path: 'account', lazy: page(() => import('../pages/account-page.js')) },
  { path: 'admin/users', lazy: page(() => import('../pages/admin/admin-users-page.js')) },
  { path: 'admin/users/:id', lazy: page(() => import('../pages/admin/admin-user-page.js')) },
  { path: 'admin/usage', lazy: page(() => import('../pages/admin/admin-usage-page.js')) },
  { path: 'admin/providers', lazy: page(() => import('../pages/admin/admin-providers-page.js')) },
  { path: 'admin/models', lazy: page(() => import('../pages/admin/admin-models-page.js')) },
  { path: '*', lazy: page(() => import('../pages/not-found-page.js')) },
];

function Loading() {
  return <LinearProgress aria-label="Loading the console" />;
}

/** The console's routes under `basename` (the path the hub serves it at). */
export function createConsoleRouter(basename: string) {
  return createBrowserRouter(
    [
      {
        HydrateFallback: Loading,
        children: [
          { lazy: page(() => import('../components/layout/auth-layout.js')), children: publicPages },
          { lazy: page(() => import('../components/layout/app-shell.js')), children: signedInPages },
        ],
      },
    ],
    { basename },
  );
}
