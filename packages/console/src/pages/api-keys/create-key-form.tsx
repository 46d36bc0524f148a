import Checkbox from '@mui/material/Checkbox';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import Grid from '@mui/material/Grid';
import TextField from '@mui/material/TextField';
import type { UseApiKeysResult } from '@smart-ai-hub/react';
import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  type CreateApiKeyRequest,
  type CreatedApiKey,
  DEFAULT_API_KEY_SCOPES,
  type ModelInfo,
} from '@smart-ai-hub/sdk';
import { type FormEvent, useState } from 'react';
import { BusyButton } from '../../components/busy-button.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { useAction } from '../../components/use-action.js';

const SCOPE_TEXT: Record<ApiKeyScope, string> = {
  'models:call': 'Call models (chat, messages, embeddings)',
  'models:read': 'List models and prices',
  'credits:read': 'Read the balance and transactions',
  'usage:read': 'Read usage',
  'profile:read': 'Read the profile',
  'keys:manage': 'Make and revoke keys of its own',
  admin: 'Administration (admins only)',
};

/** The new key's name, scopes, models, spend cap and expiry. */
export function CreateKeyForm(props: {
  models: ModelInfo[];
  create: UseApiKeysResult['create'];
  onCreated(key: CreatedApiKey): void;
}) {
  const [scopes, setScopes] = useState<ApiKeyScope[]>([...DEFAULT_API_KEY_SCOPES]);
  const [models, setModels] = useState<string[]>([]);
  const create = useAction(async (body: CreateApiKeyRequest) => props.create(body));
  const toggle = <T,>(list: T[], item: T, on: boolean) =>
    on ? [...list, item] : list.filter((x) => x !== item);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const cap = String(data.get('spendCap') ?? '').trim();
    const expiry = String(data.get('expiresOn') ?? '').trim();
    const created = await create.run({
      name: String(data.get('name') ?? ''),
      scopes,
      ...(models.length > 0 ? { allowedModels: models } : {}),
      ...(cap ? { spendCap: Number(cap) } : {}),
      ...(expiry ? { expiresAt: new Date(`${expiry}T23:59:59`).toISOString() } : {}),
    });
    if (created) {
      form.reset();
      setScopes([...DEFAULT_API_KEY_SCOPES]);
      setModels([]);
      props.onCreated(created);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} aria-label="New API key">
      <TextField label="Name" name="name" required helperText="Where the key is used, e.g. “staging app”." />
      <Grid container spacing={2} sx={{ mt: 1 }}>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormControl component="fieldset" variant="standard">
            <FormLabel component="legend">Scopes</FormLabel>
            <FormGroup>
              {API_KEY_SCOPES.map((scope) => (
                <FormControlLabel
                  key={scope}
                  control={
                    <Checkbox
                      checked={scopes.includes(scope)}
                      onChange={(event) => setScopes((s) => toggle(s, scope, event.target.checked))}
                    />
                  }
                  label={`${scope}: ${SCOPE_TEXT[scope]}`}
                />
              ))}
            </FormGroup>
          </FormControl>
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormControl component="fieldset" variant="standard">
            <FormLabel component="legend">Models</FormLabel>
            <FormHelperText>None checked: every model.</FormHelperText>
            <FormGroup>
              {props.models.map((model) => (
                <FormControlLabel
                  key={model.id}
                  control={
                    <Checkbox
                      checked={models.includes(model.id)}
                      onChange={(event) => setModels((m) => toggle(m, model.id, event.target.checked))}
                    />
                  }
                  label={model.id}
                />
              ))}
            </FormGroup>
          </FormControl>
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <TextField
            label="Spend cap (credits)"
            name="spendCap"
            type="number"
            slotProps={{ htmlInput: { min: 0, step: 'any' } }}
            helperText="Empty: no cap."
          />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <TextField
            label="Expires on"
            name="expiresOn"
            type="date"
            slotProps={{ inputLabel: { shrink: true } }}
            helperText="Empty: never expires."
          />
        </Grid>
      </Grid>
      <ErrorAlert error={create.error} />
      <BusyButton type="submit" busy={create.busy} sx={{ mt: 2 }} disabled={scopes.length === 0}>
        Create key
      </BusyButton>
    </form>
  );
}
