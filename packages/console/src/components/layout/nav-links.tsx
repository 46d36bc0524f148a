import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import { NavLink } from 'react-router';

const userLinks = [
  { to: '/', label: 'Overview' },
  { to: '/playground', label: 'Playground' },
  { to: '/credits', label: 'Credits' },
  { to: '/keys', label: 'API keys' },
  { to: '/usage', label: 'Usage' },
  { to: '/notifications', label: 'Notifications' },
  { to: '/account', label: 'Account' },
];
const adminLinks = [
  { to: '/admin/users', label: 'Users' },
  { to: '/admin/usage', label: 'Usage of all users' },
  { to: '/admin/providers', label: 'Providers' },
  { to: '/admin/models', label: 'Models and prices' },
];

function Links({ links, onNavigate }: { links: typeof userLinks; onNavigate?: () => void }) {
  return links.map((link) => (
    <ListItem key={link.to} disablePadding>
      <ListItemButton
        component={NavLink}
        to={link.to}
        end={link.to === '/'}
        onClick={onNavigate}
        sx={{ '&.active': { bgcolor: 'action.selected', fontWeight: 600 } }}
      >
        <ListItemText primary={link.label} />
      </ListItemButton>
    </ListItem>
  ));
}

/** The console's navigation; the admin section for admins (and moderators, who may read). */
export function NavLinks({ staff, onNavigate }: { staff: boolean; onNavigate?: () => void }) {
  return (
    <nav aria-label="Console">
      <List>
        <Links links={userLinks} onNavigate={onNavigate} />
      </List>
      {staff && (
        <>
          <Typography
            component="h2"
            id="nav-admin"
            variant="overline"
            sx={{ px: 2, color: 'text.secondary', display: 'block' }}
          >
            Administration
          </Typography>
          <List aria-labelledby="nav-admin">
            <Links links={adminLinks} onNavigate={onNavigate} />
          </List>
        </>
      )}
    </nav>
  );
}
