import { describe, expect, it } from 'vitest';
import { SseDataDecoder } from './sse-data-decoder.js';

/** Feeds `pieces` to a fresh decoder; every event's data, in order. */
function decode(...pieces: Array<string | Buffer>): string[] {
  const decoder = new SseDataDecoder();
  return pieces.flatMap((piece) => decoder.push(typeof piece === 'string' ? Buffer.from(piece) : piece));
}

describe('SseDataDecoder', () => {
  const stream =
    '\uFEFF: comment\n\nevent: delta\ndata: {"a":"é✓"}\nid: 1\n\ndata:{"b":2}\r\n\r\ndata: first\rdata: second\r\rdata: [DONE]\n\n';
  const expected = ['{"a":"é✓"}', '{"b":2}', 'first\nsecond', '[DONE]'];

  it('decodes whole events: LF, CRLF and CR line ends, comments and other fields ignored, a BOM dropped', () => {
    expect(decode(stream)).toEqual(expected);
  });

  it('gives the same events however the bytes are split (mid-line, mid-CRLF, mid-character)', () => {
    const bytes = Buffer.from(stream);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(decode(bytes.subarray(0, cut), bytes.subarray(cut)), `cut at byte ${cut}`).toEqual(expected);
    }
    const oneByOne = Array.from(bytes, (byte) => Buffer.from([byte]));
    expect(decode(...oneByOne)).toEqual(expected);
  });

  it('does not dispatch events without data, nor an event left unterminated at the end', () => {
    expect(decode('event: ping\n\ndata:\n\n', 'dataX: no\n\n', 'data: cut off\n')).toEqual([]);
  });

  it('reads a bare `data` line as an empty data line', () => {
    expect(decode('data\ndata: x\n\n')).toEqual(['\nx']);
  });
});
