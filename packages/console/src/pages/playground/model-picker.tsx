import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import type { ModelInfo } from '@smart-ai-hub/sdk';
import { formatCredits } from '../../components/format.js';

/** `in 0.15 · out 0.6 credits / 1M tokens` */
export function priceText(model: ModelInfo): string {
  return `in ${formatCredits(model.inputPrice)} · out ${formatCredits(model.outputPrice)} credits / 1M tokens`;
}

/** The model to chat with, each with its prices. */
export function ModelPicker(props: { models: ModelInfo[]; value: string; onChange(model: string): void }) {
  return (
    <FormControl fullWidth margin="normal">
      <InputLabel id="model-label">Model</InputLabel>
      <Select
        labelId="model-label"
        id="model"
        label="Model"
        value={props.models.some((m) => m.id === props.value) ? props.value : ''}
        onChange={(event) => props.onChange(String(event.target.value))}
      >
        {props.models.map((model) => (
          <MenuItem key={model.id} value={model.id}>
            {model.id} — {priceText(model)}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
