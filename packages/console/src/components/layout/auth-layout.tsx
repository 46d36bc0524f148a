import Box from '@mui/material/Box';
import Container from '@mui/material/Container';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { Outlet } from 'react-router';

/** The frame of the signed-out pages: the hub's name and one card. */
export default function AuthLayout() {
  return (
    <Box sx={{ minHeight: '100vh', bgcolor: 'grey.100', py: { xs: 3, sm: 8 } }}>
      <Container maxWidth="sm" component="main" id="main">
        <Typography component="p" variant="h6" align="center" sx={{ mb: 2, fontWeight: 700 }}>
          Smart AI Hub
        </Typography>
        <Paper sx={{ p: { xs: 2, sm: 4 } }} variant="outlined">
          <Outlet />
        </Paper>
      </Container>
    </Box>
  );
}
