import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import LinearProgress from '@mui/material/LinearProgress';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useHubClient, useHubQuery, useNotifications } from '@smart-ai-hub/react';
import type { NotificationChannels, NotificationPreferences, NotificationType } from '@smart-ai-hub/sdk';
import { useState } from 'react';
import { ErrorAlert } from '../components/error-alert.js';
import { formatTime } from '../components/format.js';
import { PageTitle } from '../components/page-title.js';
import { TableRegion } from '../components/table-region.js';
import { useAction } from '../components/use-action.js';

const TYPE_NAMES: Record<NotificationType, string> = {
  'credits.low': 'Low balance',
  'payment.succeeded': 'Payment received',
  'payment.refunded': 'Payment refunded',
};
const CHANNEL_NAMES: Record<keyof NotificationChannels, string> = {
  inApp: 'In the console',
  email: 'By email',
};

/** Per type and channel, saved as soon as a box changes. */
function Preferences() {
  const client = useHubClient();
  const loaded = useHubQuery((c, signal) => c.notifications.preferences.get({ signal }), []);
  const [prefs, setPrefs] = useState<NotificationPreferences>();
  const shown = prefs ?? loaded.data;
  const save = useAction(async (type: NotificationType, channel: keyof NotificationChannels, on: boolean) => {
    setPrefs(await client.notifications.preferences.update({ [type]: { [channel]: on } }));
  });
  return (
    <Paper variant="outlined" sx={{ p: 2, mt: 3 }} component="section" aria-labelledby="prefs">
      <Typography variant="h5" component="h2" id="prefs" gutterBottom>
        Preferences
      </Typography>
      {loaded.loading && !shown && <LinearProgress aria-label="Loading preferences" />}
      <ErrorAlert error={loaded.error ?? save.error} />
      {shown && (
        <TableRegion label="Where each kind of notification goes" outlined={false}>
          <Table size="small">
            <caption>Where each kind of notification goes</caption>
            <TableHead>
              <TableRow>
                <TableCell>Notification</TableCell>
                {Object.values(CHANNEL_NAMES).map((name) => (
                  <TableCell key={name} align="center">
                    {name}
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {(Object.keys(TYPE_NAMES) as NotificationType[]).map((type) => (
                <TableRow key={type}>
                  <TableCell>{TYPE_NAMES[type]}</TableCell>
                  {(Object.keys(CHANNEL_NAMES) as (keyof NotificationChannels)[]).map((channel) => (
                    <TableCell key={channel} align="center">
                      <Checkbox
                        checked={shown[type]?.[channel] ?? false}
                        disabled={save.busy}
                        onChange={(event) => void save.run(type, channel, event.target.checked)}
                        slotProps={{
                          input: { 'aria-label': `${TYPE_NAMES[type]}: ${CHANNEL_NAMES[channel]}` },
                        }}
                      />
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableRegion>
      )}
    </Paper>
  );
}

/** The user's notifications, live, and where they go. */
export default function NotificationsPage() {
  const { notifications, unreadCount, loading, error, markRead } = useNotifications();
  const read = useAction(markRead);
  return (
    <>
      <PageTitle>Notifications</PageTitle>
      <Typography role="status" sx={{ mb: 1 }}>
        {unreadCount === 0 ? 'Nothing unread.' : `${unreadCount} unread.`} New ones appear here as they
        happen.
      </Typography>
      {loading && notifications.length === 0 && <LinearProgress aria-label="Loading notifications" />}
      <ErrorAlert error={error ?? read.error} />
      <Paper variant="outlined">
        <List aria-label="Notifications">
          {notifications.length === 0 && !loading && (
            <ListItem>
              <ListItemText primary="No notifications yet." />
            </ListItem>
          )}
          {notifications.map((n) => (
            <ListItem
              key={n.id}
              divider
              data-testid="notification"
              secondaryAction={
                !n.readAt && (
                  <Button onClick={() => void read.run(n.id)} aria-label={`Mark read: ${n.title}`}>
                    Mark read
                  </Button>
                )
              }
              sx={{ bgcolor: n.readAt ? undefined : '#e3f2fd', pr: { xs: 14, sm: 16 } }}
            >
              <ListItemText
                primary={`${n.readAt ? '' : 'Unread: '}${n.title}`}
                secondary={`${n.body} · ${formatTime(n.createdAt)}`}
                slotProps={{ primary: { sx: { fontWeight: n.readAt ? 400 : 700 } } }}
              />
            </ListItem>
          ))}
        </List>
      </Paper>
      <Preferences />
    </>
  );
}
