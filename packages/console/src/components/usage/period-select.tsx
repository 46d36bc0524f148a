import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';

export const PERIODS = [1, 7, 30, 90];

/** How many days back a usage report covers. */
export function PeriodSelect({ days, onChange }: { days: number; onChange(days: number): void }) {
  return (
    <FormControl sx={{ minWidth: 160 }} margin="normal">
      <InputLabel id="period-label">Period</InputLabel>
      <Select
        labelId="period-label"
        label="Period"
        value={days}
        onChange={(e) => onChange(Number(e.target.value))}
      >
        {PERIODS.map((d) => (
          <MenuItem key={d} value={d}>
            {d === 1 ? 'Last 24 hours' : `Last ${d} days`}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
