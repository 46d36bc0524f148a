import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router';
import { PageTitle } from '../components/page-title.js';

export default function NotFoundPage() {
  return (
    <>
      <PageTitle>Page not found</PageTitle>
      <Typography>There is no page at this address.</Typography>
      <Button component={RouterLink} to="/" variant="contained" sx={{ mt: 2 }}>
        Go to the overview
      </Button>
    </>
  );
}
