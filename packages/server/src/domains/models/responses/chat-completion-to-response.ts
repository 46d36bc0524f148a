import { newId } from '@smart-ai-hub/adapters';
import type {
  ChatCompletion,
  ResponseObject,
  ResponseOutputContent,
  ResponseOutputItem,
} from '@smart-ai-hub/sdk';
import { finishedStatus, responseUsageOf } from './response-object.js';

/**
 * A non-streamed chat answer as the response it completes: its text (or refusal) as one output
 * message, each tool call as a `function_call` item, the usage and the hub's charge.
 */
export function completionToResponse(started: ResponseObject, completion: ChatCompletion): ResponseObject {
  const choice = completion.choices[0];
  const finished = finishedStatus(choice?.finish_reason);
  const message = choice?.message;
  const output: ResponseOutputItem[] = [];
  const content: ResponseOutputContent[] = [];
  if (typeof message?.content === 'string' && message.content !== '') {
    content.push({ type: 'output_text', text: message.content, annotations: [] });
  }
  if (typeof message?.refusal === 'string' && message.refusal !== '') {
    content.push({ type: 'refusal', refusal: message.refusal });
  }
  if (content.length > 0) {
    const status = finished.status === 'completed' ? 'completed' : 'incomplete';
    output.push({ type: 'message', id: newId('msg'), role: 'assistant', status, content });
  }
  for (const call of message?.tool_calls ?? []) {
    output.push({
      type: 'function_call',
      id: newId('fc'),
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: 'completed',
    });
  }
  return {
    ...started,
    ...finished,
    completed_at: Math.floor(Date.now() / 1000),
    output,
    usage: responseUsageOf(completion.usage),
    ...(completion.hub ? { hub: completion.hub } : {}),
  };
}
