/**
 * Faithful fakes of the outside services Smart AI Hub talks to, for tests and benchmarks that
 * cannot reach the internet. Each listens on 127.0.0.1 (ephemeral port) and is driven by the
 * service's official client.
 */
export type { AnthropicAnswerPlan, AnthropicUsageCounts } from './anthropic-answer.js';
export { anthropicInputTokens, expectedAnthropicUsage } from './anthropic-answer.js';
export { anthropicError } from './anthropic-wire.js';
export { type FakeAnthropic, type FakeAnthropicOptions, startFakeAnthropic } from './fake-anthropic.js';
export type { FakeBehaviour, FakeBehaviourDefaults, ScriptedToolCall } from './fake-behaviour.js';
export type { RecordedRequest } from './fake-exchange.js';
export type { FakeServerHandle } from './fake-http-server.js';
export {
  type FakeOidc,
  type FakeOidcClient,
  type FakeOidcOptions,
  type FakeOidcUser,
  type MintOptions,
  startFakeOidc,
} from './fake-oidc.js';
export { type FakeOpenAI, type FakeOpenAIOptions, startFakeOpenAI } from './fake-openai.js';
export { type FakeStripe, type FakeStripeOptions, startFakeStripe } from './fake-stripe.js';
export {
  argumentFragments,
  CHARS_PER_TOKEN,
  contentChunks,
  contentText,
  tokensForChars,
} from './fake-tokens.js';
export { type DecodedMail, decodeMail } from './mime-decode.js';
export type { OpenAIAnswerPlan, OpenAIUsageCounts } from './openai-answer.js';
export { expectedOpenAIUsage, openAIEmbeddingTokens, openAIPromptTokens } from './openai-answer.js';
export { fakeEmbedding } from './openai-embeddings.js';
export { openAIError } from './openai-wire.js';
export { type SinkMessage, type SmtpSink, startSmtpSink } from './smtp-sink.js';
export type { StripePriceConfig } from './stripe-checkout.js';
export { parseStripeForm, type StripeParams } from './stripe-form.js';
export type {
  StripeCharge,
  StripeCheckoutSession,
  StripeDispute,
  StripeEvent,
  StripeLineItem,
  StripePaymentIntent,
} from './stripe-objects.js';
export { deliverWebhook, signWebhook, type WebhookDelivery, webhookDelivery } from './stripe-webhooks.js';
export type { UpstreamControls, UpstreamStats } from './upstream-controls.js';
