import Typography from '@mui/material/Typography';
import { useEffect } from 'react';

/** The page's one `h1`, also the browser tab's title. */
export function PageTitle({ children }: { children: string }) {
  useEffect(() => {
    document.title = `${children} · Smart AI Hub`;
  }, [children]);
  return (
    <Typography variant="h4" component="h1" gutterBottom sx={{ fontSize: { xs: '1.6rem', sm: '2.1rem' } }}>
      {children}
    </Typography>
  );
}
