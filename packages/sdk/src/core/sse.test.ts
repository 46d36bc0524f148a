import { describe, expect, it } from 'vitest';
import { readServerSentEvents, type ServerSentEvent } from './sse.js';

function body(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function events(chunks: string[]): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  for await (const event of readServerSentEvents(body(chunks))) out.push(event);
  return out;
}

describe('readServerSentEvents', () => {
  it('parses data, event and id fields and skips comments', async () => {
    expect(await events([': keep-alive\n\nevent: error\nid: 7\ndata: {"a":1}\n\ndata: [DONE]\n\n'])).toEqual([
      { event: 'error', id: '7', data: '{"a":1}' },
      { event: undefined, id: '7', data: '[DONE]' },
    ]);
  });

  it('joins multi-line data and handles CRLF split across chunks', async () => {
    expect(await events(['data: one\r', '\ndata: two\r\n', '\r', '\ndata:three\n\n'])).toEqual([
      { event: undefined, id: undefined, data: 'one\ntwo' },
      { event: undefined, id: undefined, data: 'three' },
    ]);
  });

  it('reassembles an event and a multi-byte character split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: {"t":"é"}\n\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 13));
        controller.enqueue(bytes.slice(13));
        controller.close();
      },
    });
    const out = [];
    for await (const event of readServerSentEvents(stream)) out.push(JSON.parse(event.data));
    expect(out).toEqual([{ t: 'é' }]);
  });

  it('dispatches a last event the server did not terminate with a blank line', async () => {
    expect((await events(['data: a\n\ndata: b'])).map((e) => e.data)).toEqual(['a', 'b']);
  });
});
