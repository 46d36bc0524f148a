import { describe, expect, it } from 'vitest';
import { chatRequestToMessages } from './chat-request-to-messages.js';
import { messagesToChatRequest } from './messages-to-chat-request.js';

describe('messagesToChatRequest', () => {
  it('translates system, text, tool use and tool results into OpenAI messages', () => {
    const chat = messagesToChatRequest({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '18C' }] },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
      tools: [
        {
          name: 'weather',
          description: 'Weather now',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stop_sequences: ['END'],
      metadata: { user_id: 'end-user-7' },
      stream: true,
      temperature: 0.5,
    });
    expect(chat).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      stream: true,
      temperature: 0.5,
      stop: ['END'],
      user: 'end-user-7',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '18C' },
        { role: 'user', content: 'And tomorrow?' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'weather',
            description: 'Weather now',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
  });

  it('turns images into image_url parts and marks failed tool results', () => {
    const chat = messagesToChatRequest({
      model: 'm',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't', content: 'boom', is_error: true },
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          ],
        },
      ],
    });
    expect(chat.messages).toEqual([
      { role: 'tool', tool_call_id: 't', content: 'Error: boom' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        ],
      },
    ]);
  });

  it('refuses server tools with a message naming them', () => {
    expect(() =>
      messagesToChatRequest({
        model: 'm',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      }),
    ).toThrow(/web_search_20250305/);
  });
});

describe('chatRequestToMessages', () => {
  it('moves system messages to system, merges tool results into one user turn, and defaults max_tokens', () => {
    const messages = chatRequestToMessages(
      {
        model: 'claude',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: 'Use metric units.' },
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
              { id: 'c2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'c1', content: '18C' },
          { role: 'tool', tool_call_id: 'c2', content: '24C' },
        ],
        tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'weather' } },
        stop: 'END',
        temperature: 1.5,
        user: 'u1',
      },
      { model: 'claude-upstream', maxTokens: 4096 },
    );
    expect(messages).toEqual({
      model: 'claude-upstream',
      max_tokens: 4096,
      system: 'Be brief.\n\nUse metric units.',
      temperature: 1,
      stop_sequences: ['END'],
      metadata: { user_id: 'u1' },
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'c1', name: 'weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'c2', name: 'weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'c1', content: '18C' },
            { type: 'tool_result', tool_use_id: 'c2', content: '24C' },
          ],
        },
      ],
      tools: [{ name: 'weather', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'weather' },
    });
  });

  it('round-trips an Anthropic request through the chat shape', () => {
    const original = {
      model: 'claude',
      max_tokens: 50,
      system: 'You are terse.',
      messages: [
        { role: 'user' as const, content: 'Hello' },
        { role: 'assistant' as const, content: 'Hi' },
        { role: 'user' as const, content: 'Bye' },
      ],
      stream: true,
    };
    expect(chatRequestToMessages(messagesToChatRequest(original), { model: 'claude', maxTokens: 1 })).toEqual(
      original,
    );
  });
});
