import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { UIMessage } from '@smart-ai-hub/react';
import { formatCount, formatCredits } from '../../components/format.js';
import type { MessageCharge } from './saved-conversation.js';

function chargeText(charge: MessageCharge): string {
  if (charge.stopped) return 'Stopped: the hub charges only what was produced (see Usage)';
  const tokens = charge.tokens === undefined ? '' : ` · ${formatCount(charge.tokens)} tokens`;
  return `Cost ${formatCredits(charge.cost)} credits${tokens} · balance after ${formatCredits(charge.balance)} credits`;
}

/** One message of the conversation; an answer shows what it cost and the balance after. */
export function MessageView({ message, charge }: { message: UIMessage; charge: MessageCharge | undefined }) {
  const mine = message.role === 'user';
  return (
    <Box
      component="li"
      data-testid={`message-${message.role}`}
      sx={{
        listStyle: 'none',
        alignSelf: mine ? 'flex-end' : 'flex-start',
        maxWidth: { xs: '100%', sm: '85%' },
        bgcolor: mine ? '#e3f2fd' : 'grey.100',
        border: 1,
        borderColor: mine ? '#90caf9' : 'grey.300',
        borderRadius: 2,
        px: 2,
        py: 1,
      }}
    >
      <Typography variant="caption" component="p" sx={{ fontWeight: 600, color: 'text.secondary' }}>
        {mine ? 'You' : 'Assistant'}
      </Typography>
      <Typography sx={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{message.content}</Typography>
      {!mine && charge && (
        <Typography
          variant="caption"
          component="p"
          sx={{ color: 'text.secondary' }}
          data-testid="message-charge"
        >
          {chargeText(charge)}
        </Typography>
      )}
    </Box>
  );
}
