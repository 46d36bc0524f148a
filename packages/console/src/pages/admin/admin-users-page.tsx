import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import { useHubQuery } from '@smart-ai-hub/react';
import { useState } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router';
import { ErrorAlert } from '../../components/error-alert.js';
import { formatTime } from '../../components/format.js';
import { PageTitle } from '../../components/page-title.js';
import { TableRegion } from '../../components/table-region.js';

/** Every user, searched by email or name, a page at a time. */
export default function AdminUsersPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [draft, setDraft] = useState(q);
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const users = useHubQuery(
    (client, signal) => client.admin.users.list({ q: q || undefined, cursor, limit: 25 }, { signal }),
    [q, cursor],
  );
  return (
    <>
      <PageTitle>Users</PageTitle>
      <Stack
        sx={{ alignItems: 'center' }}
        direction="row"
        spacing={1}
        component="form"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setCursors([]);
          setParams(draft.trim() ? { q: draft.trim() } : {});
        }}
      >
        <TextField
          label="Search by email or name"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          type="search"
        />
        <Button type="submit" variant="contained" sx={{ mt: 1 }}>
          Search
        </Button>
      </Stack>
      {users.loading && <LinearProgress aria-label="Loading users" />}
      <ErrorAlert error={users.error} />
      <TableRegion label="Users" mt={2}>
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>Email</TableCell>
              <TableCell>Name</TableCell>
              <TableCell>Role</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Joined</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {users.data?.users.map((user) => (
              <TableRow key={user.id} data-testid="user-row">
                <TableCell>
                  <Link component={RouterLink} to={`/admin/users/${encodeURIComponent(user.id)}`}>
                    {user.email}
                  </Link>
                </TableCell>
                <TableCell>{user.name ?? '—'}</TableCell>
                <TableCell>{user.role}</TableCell>
                <TableCell>
                  {user.disabled ? (
                    <Chip size="small" label="disabled" color="error" variant="outlined" />
                  ) : user.emailVerified ? (
                    'active'
                  ) : (
                    'email not verified'
                  )}
                </TableCell>
                <TableCell>{formatTime(user.createdAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableRegion>
      {users.data?.users.length === 0 && <p>No user matches.</p>}
      <Stack direction="row" spacing={1} sx={{ mt: 1 }}>
        <Button disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous page
        </Button>
        <Button
          disabled={!users.data?.nextCursor}
          onClick={() => users.data?.nextCursor && setCursors((c) => [...c, users.data!.nextCursor!])}
        >
          Next page
        </Button>
      </Stack>
    </>
  );
}
