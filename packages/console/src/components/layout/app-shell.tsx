import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Drawer from '@mui/material/Drawer';
import IconButton from '@mui/material/IconButton';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import { useAuth, useCredits } from '@smart-ai-hub/react';
import { useState } from 'react';
import { Navigate, Outlet, Link as RouterLink, useLocation } from 'react-router';
import { formatCredits } from '../format.js';
import { NavLinks } from './nav-links.js';
import { UnreadBadge } from './unread-badge.js';

const DRAWER = 240;

/** The frame of every signed-in page: top bar (balance, notifications, sign-out) and navigation. */
export default function AppShell() {
  const { status, user, logout } = useAuth();
  const { available } = useCredits();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  if (status === 'loading') return <LinearProgress aria-label="Loading your session" />;
  if (!user) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  const staff = user.role === 'admin' || user.role === 'moderator';
  return (
    <Box sx={{ display: 'flex', minHeight: '100vh' }}>
      <Link
        href="#main"
        sx={{
          position: 'absolute',
          left: -9999,
          '&:focus': { left: 8, top: 8, zIndex: 2000, bgcolor: 'background.paper', p: 1 },
        }}
      >
        Skip to content
      </Link>
      <AppBar position="fixed" sx={{ zIndex: (t) => t.zIndex.drawer + 1 }}>
        <Toolbar sx={{ gap: 1 }}>
          <IconButton
            color="inherit"
            edge="start"
            aria-label="Open navigation"
            aria-expanded={open}
            onClick={() => setOpen(true)}
            sx={{ display: { md: 'none' } }}
          >
            <svg width="24" height="24" viewBox="0 0 24 24" aria-hidden="true">
              <path d="M3 6h18M3 12h18M3 18h18" stroke="currentColor" strokeWidth="2" />
            </svg>
          </IconButton>
          <Typography
            component="p"
            variant="h6"
            noWrap
            sx={{ flexGrow: 1, fontWeight: 700, fontSize: { xs: '1rem', sm: '1.25rem' } }}
          >
            Smart AI Hub
          </Typography>
          <Button color="inherit" component={RouterLink} to="/credits" sx={{ textTransform: 'none' }}>
            <span>
              {formatCredits(available)}
              <Box component="span" sx={{ display: { xs: 'none', sm: 'inline' } }}>
                {' '}
                credits
              </Box>
            </span>
          </Button>
          <UnreadBadge />
          <Button color="inherit" onClick={() => void logout()} sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
            Sign out
          </Button>
        </Toolbar>
      </AppBar>
      <Drawer
        variant="temporary"
        open={open}
        onClose={() => setOpen(false)}
        sx={{ display: { md: 'none' }, '& .MuiDrawer-paper': { width: DRAWER } }}
      >
        <NavLinks staff={staff} onNavigate={() => setOpen(false)} />
      </Drawer>
      <Drawer
        variant="permanent"
        sx={{
          display: { xs: 'none', md: 'block' },
          width: DRAWER,
          flexShrink: 0,
          '& .MuiDrawer-paper': { width: DRAWER, boxSizing: 'border-box' },
        }}
      >
        <Toolbar />
        <NavLinks staff={staff} />
      </Drawer>
      <Box component="main" id="main" tabIndex={-1} sx={{ flexGrow: 1, p: { xs: 2, sm: 3 }, minWidth: 0 }}>
        <Toolbar />
        <Outlet />
      </Box>
    </Box>
  );
}
