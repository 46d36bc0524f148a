import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';

export interface Bar {
  label: string;
  value: number;
}

/**
 * Horizontal bars, one row per label with its value in words: readable at 375 px, and by a
 * screen reader as a plain list (the bars themselves are decoration).
 */
export function BarChart(props: {
  title: string;
  bars: Bar[];
  format(value: number): string;
  color?: string;
}) {
  const max = Math.max(0, ...props.bars.map((b) => b.value));
  const id = `chart-${props.title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <Paper variant="outlined" sx={{ p: 2, m: 0, height: '100%' }} component="figure" aria-labelledby={id}>
      <Typography variant="subtitle1" component="figcaption" id={id} sx={{ fontWeight: 600, mb: 1 }}>
        {props.title}
      </Typography>
      {props.bars.length === 0 && <Typography color="text.secondary">Nothing in this period.</Typography>}
      <Box component="ul" sx={{ listStyle: 'none', p: 0, m: 0 }}>
        {props.bars.map((bar) => (
          <Box component="li" key={bar.label} sx={{ mb: 1 }}>
            <Box sx={{ display: 'flex', justifyContent: 'space-between', gap: 1 }}>
              <Typography variant="body2" sx={{ overflowWrap: 'anywhere' }}>
                {bar.label}
              </Typography>
              <Typography variant="body2" sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                {props.format(bar.value)}
              </Typography>
            </Box>
            <Box aria-hidden sx={{ height: 8, bgcolor: 'grey.200', borderRadius: 1 }}>
              <Box
                sx={{
                  height: '100%',
                  width: `${max > 0 ? (bar.value / max) * 100 : 0}%`,
                  bgcolor: props.color ?? 'primary.main',
                  borderRadius: 1,
                }}
              />
            </Box>
          </Box>
        ))}
      </Box>
    </Paper>
  );
}
