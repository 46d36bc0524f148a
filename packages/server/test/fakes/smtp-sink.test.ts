import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from './smtp-sink.js';

describe('smtp-sink driven by nodemailer', () => {
  let sink: SmtpSink;
  let transport: Transporter;

  beforeAll(async () => {
    sink = await startSmtpSink();
    transport = nodemailer.createTransport({
      host: sink.host,
      port: sink.port,
      secure: false,
      ignoreTLS: true,
    });
  });
  afterAll(async () => {
    transport.close();
    await sink.close();
  });
  beforeEach(() => sink.clear());

  it('receives a plain mail with envelope, subject and text', async () => {
    await transport.sendMail({
      from: 'Smart AI Hub <noreply@hub.example>',
      to: 'ada@example.com, bob@example.com',
      subject: 'Verify your email',
      text: 'Your code is 123456.\nIt expires in 10 minutes.',
    });
    const message = await sink.waitForMessage((m) => m.to.includes('ada@example.com'));
    expect(message.from).toBe('noreply@hub.example');
    expect(message.to).toEqual(['ada@example.com', 'bob@example.com']);
    expect(message.subject).toBe('Verify your email');
    expect(message.text).toBe('Your code is 123456.\nIt expires in 10 minutes.');
    expect(message.headers.from).toBe('Smart AI Hub <noreply@hub.example>');
    expect(message.raw).toContain('Subject: Verify your email');
  });

  it('decodes quoted-printable bodies, encoded-word subjects and multipart/alternative', async () => {
    const longLine = `Reset link: https://hub.example/reset?token=${'x'.repeat(120)} — merci, Jürgen ✓`;
    const sent = transport.sendMail({
      from: 'noreply@hub.example',
      to: 'jurgen@example.com',
      subject: 'Réinitialisation du mot de passe ✓',
      text: longLine,
      html: `<p>${longLine}</p>`,
    });
    const message = await sink.waitForMessage((m) => m.to[0] === 'jurgen@example.com');
    await sent;
    expect(message.raw).toMatch(/quoted-printable|base64/i);
    expect(message.subject).toBe('Réinitialisation du mot de passe ✓');
    expect(message.text).toBe(longLine);
    expect(message.html).toBe(`<p>${longLine}</p>`);
  });

  it('accepts a transport built from its smtp:// url', async () => {
    const fromUrl = nodemailer.createTransport(sink.url);
    await fromUrl.sendMail({ from: 'a@hub.example', to: 'c@example.com', subject: 'via url', text: 'hi' });
    fromUrl.close();
    expect(await sink.waitForMessage((m) => m.subject === 'via url')).toMatchObject({
      text: 'hi',
      to: ['c@example.com'],
    });
  });

  it('times out when no message matches', async () => {
    await expect(sink.waitForMessage((m) => m.subject === 'never', 50)).rejects.toThrow(
      /no matching message/,
    );
  });
});
