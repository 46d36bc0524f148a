import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Slider from '@mui/material/Slider';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useChat, useModels } from '@smart-ai-hub/react';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { Link as RouterLink } from 'react-router';
import { ErrorAlert } from '../components/error-alert.js';
import { PageTitle } from '../components/page-title.js';
import { MessageView } from './playground/message-view.js';
import { ModelPicker, priceText } from './playground/model-picker.js';
import {
  loadConversation,
  type MessageCharge,
  type SavedConversation,
  saveConversation,
} from './playground/saved-conversation.js';

/** Chat with a model: prices, system prompt, temperature, streamed answers with their cost. */
export default function PlaygroundPage() {
  const [saved] = useState(loadConversation);
  const { models, loading: modelsLoading, error: modelsError } = useModels();
  const [model, setModel] = useState(saved.model);
  const [system, setSystem] = useState(saved.system);
  const [temperature, setTemperature] = useState(saved.temperature);
  const [charges, setCharges] = useState<Record<string, MessageCharge>>(saved.charges);
  const [draft, setDraft] = useState('');
  const chosen = models.find((m) => m.id === model) ?? models[0];
  const chat = useChat({
    model: chosen?.id ?? '',
    body: { temperature },
    initialMessages: saved.messages,
    onFinish: ({ message, charge, usage, stopped }) => {
      if (!message) return;
      const entry: MessageCharge = stopped
        ? { stopped: true }
        : { cost: charge?.cost, balance: charge?.balance, tokens: usage?.total_tokens };
      setCharges((all) => ({ ...all, [message.id]: entry }));
    },
  });
  const busy = chat.status === 'submitted' || chat.status === 'streaming';

  useEffect(() => {
    if (busy) return;
    const conversation: SavedConversation = {
      model: chosen?.id ?? model,
      system,
      temperature,
      messages: chat.messages,
      charges,
    };
    saveConversation(conversation);
  }, [busy, chosen, model, system, temperature, chat.messages, charges]);

  const list = useRef<HTMLUListElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the conversation as it grows
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView?.({ block: 'nearest' });
  }, [chat.messages]);

  const send = () => {
    const text = draft.trim();
    if (!text || busy || !chosen) return;
    const rest = chat.messages.filter((m) => m.role !== 'system');
    chat.setMessages(system.trim() ? [{ role: 'system', content: system.trim() }, ...rest] : rest);
    setDraft('');
    void chat.send(text);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      send();
    }
  };
  const clear = () => {
    chat.setMessages([]);
    setCharges({});
  };
  const shown = chat.messages.filter((m) => m.role !== 'system');

  return (
    <>
      <PageTitle>Playground</PageTitle>
      <Grid container spacing={3}>
        <Grid size={{ xs: 12, md: 4 }}>
          <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-label="Settings">
            {modelsLoading && models.length === 0 && <LinearProgress aria-label="Loading the models" />}
            <ErrorAlert error={modelsError} />
            <ModelPicker models={models} value={chosen?.id ?? ''} onChange={setModel} />
            {chosen && (
              <Typography variant="body2" color="text.secondary" data-testid="model-price">
                {priceText(chosen)}
              </Typography>
            )}
            <TextField
              label="System prompt"
              multiline
              minRows={3}
              value={system}
              onChange={(event) => setSystem(event.target.value)}
              helperText="Sent first with every message."
            />
            <Typography id="temperature-label" sx={{ mt: 2 }}>
              Temperature: {temperature.toFixed(1)}
            </Typography>
            <Slider
              aria-labelledby="temperature-label"
              value={temperature}
              min={0}
              max={2}
              step={0.1}
              onChange={(_event, value) => setTemperature(value as number)}
            />
            <Button variant="outlined" onClick={clear} disabled={busy || shown.length === 0} fullWidth>
              Clear the conversation
            </Button>
          </Paper>
        </Grid>
        <Grid size={{ xs: 12, md: 8 }}>
          <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-label="Conversation">
            {shown.length === 0 && (
              <Typography color="text.secondary">
                Ask something: the answer streams in, and you see what it cost. The conversation stays in this
                browser.
              </Typography>
            )}
            <Box
              component="ul"
              ref={list}
              aria-label="Messages"
              sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, p: 0, m: 0 }}
            >
              {shown.map((message) => (
                <MessageView key={message.id} message={message} charge={charges[message.id]} />
              ))}
            </Box>
            <Typography role="status" variant="body2" color="text.secondary" sx={{ mt: 1, minHeight: 20 }}>
              {chat.status === 'submitted' ? 'Sending…' : chat.status === 'streaming' ? 'Answering…' : ''}
            </Typography>
            {busy && <LinearProgress aria-label="The answer is arriving" />}
            <ErrorAlert error={chat.error} />
            {chat.error?.name === 'InsufficientCreditsError' && (
              <Alert severity="info">
                <RouterLink to="/credits">Buy credits</RouterLink> to go on.
              </Alert>
            )}
            <Box
              component="form"
              onSubmit={(event) => {
                event.preventDefault();
                send();
              }}
            >
              <TextField
                label="Message"
                multiline
                minRows={2}
                value={draft}
                onChange={(event) => setDraft(event.target.value)}
                onKeyDown={onKeyDown}
                helperText="Enter sends, Shift+Enter starts a new line."
              />
              <Stack direction="row" spacing={1}>
                <Button type="submit" variant="contained" disabled={busy || !draft.trim() || !chosen}>
                  Send
                </Button>
                {busy && (
                  <Button variant="outlined" color="error" onClick={chat.stop}>
                    Stop
                  </Button>
                )}
              </Stack>
            </Box>
          </Paper>
        </Grid>
      </Grid>
    </>
  );
}
