import Badge from '@mui/material/Badge';
import Button from '@mui/material/Button';
import { useNotifications } from '@smart-ai-hub/react';
import { Link as RouterLink } from 'react-router';
import { VisuallyHidden } from '../visually-hidden.js';

/** The notifications link with the unread count, kept live. */
export function UnreadBadge() {
  const { unreadCount } = useNotifications();
  const label = unreadCount === 0 ? 'Notifications' : `Notifications, ${unreadCount} unread`;
  return (
    <Button color="inherit" component={RouterLink} to="/notifications">
      <VisuallyHidden>{label}</VisuallyHidden>
      <Badge badgeContent={unreadCount} color="error" max={99} slotProps={{ badge: { 'aria-hidden': true } }}>
        <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
          <path
            d="M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6V11a6 6 0 0 0-5-5.9V4a1 1 0 0 0-2 0v1.1A6 6 0 0 0 6 11v5l-2 2v1h16v-1z"
            fill="currentColor"
          />
        </svg>
      </Badge>
    </Button>
  );
}
