/** `POST /v1/embeddings`: the route, and the metered call behind it for other surfaces. */

export {
  type EmbeddingsProvider,
  embeddingsProviderFor,
  estimateEmbeddingTokens,
} from './embeddings-provider.js';
export { embeddingsRoute } from './embeddings-route.js';
export { type EmbeddingsCall, runEmbeddings } from './run-embeddings.js';
